package org.brainbench.harness.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.brainbench.harness.BrokenSuitesTest;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML leaderboard: escaped, self-contained, and loading without script errors in headless
 * Chromium. Chromium is optional on a developer machine (the browser test is skipped without it);
 * {@code .ci/run} installs it and sets BRAINBENCH_REQUIRE_CHROMIUM=1, which turns a missing browser
 * into a failure.
 */
class HtmlReportTest {
  static final String EVIL = "x\"><script>document.title='pwned'</script><img src=x onerror=alert(1)>";

  @TempDir Path dir;

  private Path page() throws Exception {
    ResultsFixture f = new ResultsFixture(dir.resolve("r"));
    for (int seed = 1; seed <= 2; seed++) {
      f.classify("ad", EVIL, seed, 0.7, seed, 30);
      f.classify("ad", "plain", seed, 0.2, 10 + seed, 30);
      f.regress("age</td>", "m", seed, 3.0 + seed);
    }
    f.failed("age</td>", "regress", "broken", 1, "<b>boom</b>");
    Path html = dir.resolve("board.html");
    Path plots = dir.resolve("plots");
    BrokenSuitesTest.Result r = BrokenSuitesTest.cli("report", dir.resolve("r").toString(), "--html", html.toString(), "--plots", plots.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    try (var files = Files.list(plots)) {
      List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
      assertThat(names).contains("ad-params.png", "ad-learning.png", "age__td_-params.png");
      assertThat(names).allSatisfy(n -> assertThat(Files.size(plots.resolve(n))).isGreaterThan(1000));
    }
    return html;
  }

  @Test
  void everyStringFromResultsIsEscapedAndNothingIsFetched() throws Exception {
    String html = Files.readString(page());
    assertThat(html).doesNotContain("<script>document").doesNotContain("<img").doesNotContain("<b>boom").doesNotContain("age</td>");
    assertThat(html).contains("x&quot;&gt;&lt;script&gt;").contains("&lt;b&gt;boom&lt;/b&gt;");
    assertThat(html).doesNotContain("http://").doesNotContain("https://").doesNotContain(" src=\"");
  }

  @Test
  void thePageLoadsInHeadlessChromiumAndShowsTheRows() throws Exception {
    String browser = chromium();
    if (browser == null) {
      assertThat(System.getenv("BRAINBENCH_REQUIRE_CHROMIUM")).as("BRAINBENCH_REQUIRE_CHROMIUM is set but no chromium on PATH").isNull();
      Assumptions.abort("chromium not installed");
    }
    Path html = page();
    Path err = dir.resolve("chromium.err");
    Process p = new ProcessBuilder(browser, "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
        "--user-data-dir=" + dir.resolve("profile"), "--dump-dom", html.toUri().toString())
        .redirectError(err.toFile()).start();
    String dom = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    assertThat(dom).contains("data-ready=\"ok\"");
    assertThat(dom.split("<tr class=\"entry", -1).length - 1).isEqualTo(4); // ad: the hostile model and plain; age: m and broken
    // the hostile name is shown as text, its script never ran, its image never became an element
    assertThat(dom).contains("&lt;script&gt;document.title").doesNotContain("<title>pwned").doesNotContain("<img");
    assertThat(Files.readString(err)).doesNotContain("Uncaught").doesNotContain("SyntaxError");
  }

  private static String chromium() {
    for (String dirName : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
        Path candidate = Path.of(dirName, name);
        if (Files.isExecutable(candidate)) {
          return candidate.toString();
        }
      }
    }
    return null;
  }
}
