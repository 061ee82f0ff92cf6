package org.brainbench.harness;

/** Bad input from the user (arguments, files, suites): reported in one line, exit code 2. */
public class UserInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UserInputException(String message) {
    super(message);
  }

  public UserInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
