package dev.sqsx.consumer;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Virtual-thread executors where the JVM has them (JDK 21+), found reflectively on JDK 17. */
final class VirtualThreads {

  private VirtualThreads() {}

  static boolean available() {
    try {
      Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  static ExecutorService newExecutor() {
    try {
      return (ExecutorService)
          Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("virtual threads need JDK 21 or newer", e);
    }
  }
}
