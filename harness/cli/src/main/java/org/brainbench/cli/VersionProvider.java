package org.brainbench.cli;

import picocli.CommandLine.IVersionProvider;

/** The harness version from the jar manifest (or "dev" when run from classes). */
public final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    return new String[] {"brainbench " + version(), "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
  }

  static String version() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null ? "0.1.0-SNAPSHOT" : v;
  }
}
