package org.brainbench.cli.parity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.brainbench.api.backend.Backend;
import org.brainbench.api.backend.Backends;
import org.brainbench.harness.Json;
import org.brainbench.cli.Main;
import org.brainbench.harness.UserInputException;
import org.brainbench.api.parity.Parity;
import org.brainbench.api.parity.ParityCase;
import org.brainbench.api.parity.ParityResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code parity}: the same model on two backends, same weights, same outputs. */
@Command(name = "parity", mixinStandardHelpOptions = true, versionProvider = org.brainbench.cli.VersionProvider.class, description = {
    "For every model and task: build it on the reference backend and on each other backend, train the reference 2 steps,",
    "copy its weights across by name, run the same input through both in inference mode, then train the other backend and copy back.",
    "Reports the parameter counts (spec, each backend) and the largest output difference relative to the largest output magnitude",
    "in each direction. Exit 1 if any count differs or a difference exceeds the tolerance.",
    "Models: the quickstart's hyperparameters on a cubic grid (--size); classify 2 classes, regress, segment 2 channels/4 classes (pre-training draws its mask from each backend's own generator: not compared)."})
public final class ParityCommand implements Callable<Integer> {
  @Option(names = "--backends", split = ",", paramLabel = "ID", description = "Backends to compare, the first is the reference (default: all available).")
  List<String> backendIds;

  @Option(names = "--models", split = ",", paramLabel = "ID", description = "Only these models: quickstart model names (sfcn, mt-ema) or model ids (cnn3d: both of its variants) (default: all).")
  List<String> models;

  @Option(names = "--size", paramLabel = "N", defaultValue = "32", description = "Grid size per axis (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(names = "--tolerance", paramLabel = "X", defaultValue = "1e-4", description = "Largest relative output difference allowed (default: ${DEFAULT-VALUE}, float32).")
  double tolerance;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the initial weights and inputs (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--json", description = "One JSON line per check instead of a table.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    List<Backend> backends = backends();
    List<ParityCase> cases = ParityCase.named(org.brainbench.harness.suite.QuickstartSuite.models(), size).stream()
        .filter(c -> models == null || models.contains(c.spec().id()) || models.contains(c.name().substring(0, c.name().indexOf('/'))))
        .toList();
    if (cases.isEmpty()) {
      throw new UserInputException("--models: no model matches " + models + "; models: " + org.brainbench.api.model.ModelCatalog.ids());
    }
    PrintWriter out = spec.commandLine().getOut();
    if (!json) {
      out.printf("%-28s %-26s %-11s %12s %12s %12s %11s %11s  %s%n", "model/task", "input", "backends", "spec", "reference", "other",
          "ref->other", "other->ref", "result");
    }
    int failed = 0;
    for (Backend other : backends.subList(1, backends.size())) {
      for (ParityCase c : cases) {
        ParityResult r = Parity.check(backends.get(0), other, c, seed);
        boolean ok = r.passes(tolerance);
        failed += ok ? 0 : 1;
        print(out, r, ok);
      }
    }
    if (!json) {
      out.printf("%d check(s), %d failed (tolerance %.0e)%n", cases.size() * (backends.size() - 1), failed, tolerance);
    }
    out.flush();
    return failed == 0 ? Main.EXIT_OK : Main.EXIT_CHECK_FAILED;
  }

  private List<Backend> backends() {
    List<Backend> out = new ArrayList<>();
    if (backendIds == null) {
      out.addAll(Backends.all());
    } else {
      for (String id : backendIds) {
        Backend b = Backends.find(id);
        if (b == null) {
          throw new UserInputException("--backends: unknown backend \"" + id + "\"; available: " + Backends.ids());
        }
        out.add(b);
      }
    }
    if (out.size() < 2) {
      throw new UserInputException("parity needs two backends; available: " + Backends.ids());
    }
    return out;
  }

  private void print(PrintWriter out, ParityResult r, boolean ok) {
    if (json) {
      ObjectNode o = Json.mapper().valueToTree(r);
      o.put("ok", ok);
      out.println(Json.line(Json.mapper(), o));
      return;
    }
    String verdict = ok ? "ok" : "FAIL" + (r.error() != null ? ": " + r.error() : "");
    out.printf("%-28s %-26s %-11s %,12d %,12d %,12d %11.2e %11.2e  %s%n", r.name(), r.input(), r.reference() + "/" + r.other(), r.specCount(),
        r.referenceCount(), r.otherCount(), r.forward(), r.backward(), verdict);
    out.flush();
  }
}
