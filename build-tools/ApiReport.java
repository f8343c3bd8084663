/*
 * Copyright The sqsx Authors
 * SPDX-License-Identifier: Apache-2.0
 */
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Writes a module's public API report and fails when it differs from the committed one.
 *
 * <p>The report lists every public or protected type of the exported packages with its public and
 * protected members, one line each, sorted: the exported packages are the unqualified exports of
 * the module's {@code module-info.class}; a module without one exports every package but those
 * named {@code internal}. Members a public type inherits from a type outside the API are listed
 * under it. Run by the build with the module's compile class path ({@code java -cp ...
 * ApiReport.java}); no dependency of its own.
 *
 * <p>Arguments: the classes directory, the committed report, the report to write, the project's
 * root and the module's folder (for the message), and {@code true} to update the committed report
 * instead of comparing.
 */
public final class ApiReport {

  private ApiReport() {}

  public static void main(String[] args) throws IOException {
    Path classes = Path.of(args[0]);
    Path committed = Path.of(args[1]);
    Path generated = Path.of(args[2]);
    Path root = Path.of(args[3]);
    String module = root.relativize(Path.of(args[4])).toString();
    boolean update = args.length > 5 && (args[5].isEmpty() || Boolean.parseBoolean(args[5]));

    List<String> report = report(classes, committed.getFileName().toString());
    Files.createDirectories(generated.getParent());
    Files.write(generated, report, StandardCharsets.UTF_8);
    if (update) {
      Files.createDirectories(committed.getParent());
      Files.write(committed, report, StandardCharsets.UTF_8);
      System.out.println("[api] " + committed + " updated (" + report.size() + " lines)");
      return;
    }
    List<String> expected =
        Files.exists(committed) ? Files.readAllLines(committed, StandardCharsets.UTF_8) : List.of();
    if (expected.equals(report)) {
      System.out.println("[api] " + committed.getFileName() + ": the public API is unchanged");
      return;
    }
    System.err.println(
        "[api] "
            + module
            + ": the public API differs from "
            + module
            + "/api/"
            + committed.getFileName()
            + (Files.exists(committed) ? "" : ", which does not exist")
            + " (- committed, + the code):");
    diff(expected, report).forEach(System.err::println);
    System.err.println(
        "[api] If the change is intended, update the report and commit it with the change:\n"
            + "[api]   ./mvnw -B package -DskipTests -Dsqsx.api.update -pl "
            + module
            + " -am\n"
            + "[api] (the generated report is "
            + generated
            + ")");
    System.exit(1);
  }

  static List<String> report(Path classes, String title) throws IOException {
    Predicate<String> exported = exportedPackages(classes);
    List<String> names;
    try (Stream<Path> files = Files.walk(classes)) {
      names =
          files
              .map(p -> classes.relativize(p).toString().replace('\\', '/'))
              .filter(p -> p.endsWith(".class") && !p.endsWith("module-info.class"))
              .filter(p -> !p.endsWith("package-info.class"))
              .map(p -> p.substring(0, p.length() - ".class".length()).replace('/', '.'))
              .filter(n -> n.lastIndexOf('.') > 0 && exported.test(packageOf(n)))
              .sorted()
              .collect(Collectors.toList());
    }
    ClassLoader loader = ApiReport.class.getClassLoader();
    List<String> out = new ArrayList<>();
    out.add(
        "# " + title + ": public API of the exported packages (generated; see CONTRIBUTING.md)");
    for (String name : names) {
      Class<?> type;
      try {
        type = Class.forName(name, false, loader);
      } catch (ClassNotFoundException | LinkageError e) {
        throw new IllegalStateException("cannot load " + name + " from the class path: " + e, e);
      }
      if (!isApi(type)) {
        continue;
      }
      out.add("");
      out.add(header(type));
      Map<String, String> members = new TreeMap<>(); // fields, constructors, methods; by name
      for (Class<?> c = type; c != null; c = c.getSuperclass()) {
        if (c != type && (isApi(c) || c.getName().startsWith("java."))) {
          break; // listed under its own name, or the JDK's
        }
        members.putAll(members(c, c != type));
      }
      members.values().forEach(m -> out.add("  " + m));
    }
    return out;
  }

  /** Unqualified exports of module-info.class; without one, every package not named internal. */
  static Predicate<String> exportedPackages(Path classes) throws IOException {
    Path moduleInfo = classes.resolve("module-info.class");
    if (!Files.exists(moduleInfo)) {
      return pkg -> !Arrays.asList(pkg.split("\\.")).contains("internal");
    }
    try (InputStream in = Files.newInputStream(moduleInfo)) {
      Set<String> exports =
          ModuleDescriptor.read(in).exports().stream()
              .filter(e -> !e.isQualified())
              .map(ModuleDescriptor.Exports::source)
              .collect(Collectors.toSet());
      return exports::contains;
    }
  }

  static String packageOf(String className) {
    return className.substring(0, className.lastIndexOf('.'));
  }

  /** Public or protected, and so is every type it is nested in. */
  static boolean isApi(Class<?> type) {
    if (type.isAnonymousClass() || type.isLocalClass() || type.isSynthetic()) {
      return false;
    }
    for (Class<?> c = type; c != null; c = c.getDeclaringClass()) {
      if (!Modifier.isPublic(c.getModifiers()) && !Modifier.isProtected(c.getModifiers())) {
        return false;
      }
    }
    return true;
  }

  static String header(Class<?> type) {
    StringBuilder s = new StringBuilder(annotations(type));
    int mods = type.getModifiers();
    String kind;
    if (type.isAnnotation()) {
      kind = "@interface";
      mods &= ~(Modifier.ABSTRACT | Modifier.INTERFACE);
    } else if (type.isInterface()) {
      kind = "interface";
      mods &= ~(Modifier.ABSTRACT | Modifier.INTERFACE);
    } else if (type.isEnum()) {
      kind = "enum";
      mods &= ~(Modifier.FINAL | Modifier.ABSTRACT);
    } else if (type.isRecord()) {
      kind = "record";
      mods &= ~Modifier.FINAL;
    } else {
      kind = "class";
    }
    s.append(Modifier.toString(mods & Modifier.classModifiers()));
    if (type.isSealed()) {
      s.append(" sealed");
    }
    s.append(' ').append(kind).append(' ').append(type.getName()).append(typeParameters(type));
    Type superclass = type.getGenericSuperclass();
    if (superclass != null
        && superclass != Object.class
        && !type.isEnum()
        && !type.isRecord()
        && !type.isInterface()) {
      s.append(" extends ").append(superclass.getTypeName());
    }
    Type[] interfaces = type.getGenericInterfaces();
    if (interfaces.length > 0 && !type.isAnnotation()) {
      s.append(type.isInterface() ? " extends " : " implements ")
          .append(
              Arrays.stream(interfaces).map(Type::getTypeName).collect(Collectors.joining(", ")));
    }
    if (type.isSealed()) {
      s.append(" permits ")
          .append(
              Arrays.stream(type.getPermittedSubclasses())
                  .map(Class::getName)
                  .sorted()
                  .collect(Collectors.joining(", ")));
    }
    return s.toString();
  }

  /** Each visible member's line, keyed to sort fields, then constructors, then methods by name. */
  static Map<String, String> members(Class<?> type, boolean inherited) {
    String from = inherited ? "  // from " + type.getName() : "";
    Map<String, String> out = new TreeMap<>();
    for (Field f : type.getDeclaredFields()) {
      if (visible(f)) {
        String line =
            annotations(f)
                + (f.isEnumConstant()
                    ? "enum constant " + f.getName()
                    : modifiers(f) + f.getGenericType().getTypeName() + " " + f.getName())
                + from;
        out.put("1 " + f.getName() + " " + line, line);
      }
    }
    for (Constructor<?> c : type.getDeclaredConstructors()) {
      if (visible(c) && !inherited) {
        String line =
            annotations(c) + modifiers(c) + typeParameters(c) + type.getSimpleName() + signature(c);
        out.put("2 " + signature(c) + " " + line, line);
      }
    }
    for (Method m : type.getDeclaredMethods()) {
      if (visible(m) && !m.isBridge()) {
        String line =
            annotations(m)
                + modifiers(m)
                + (m.isDefault() ? "default " : "")
                + typeParameters(m)
                + m.getGenericReturnType().getTypeName()
                + " "
                + m.getName()
                + signature(m)
                + defaultValue(m)
                + from;
        out.put("3 " + m.getName() + signature(m) + " " + line, line);
      }
    }
    return out;
  }

  /** An annotation element's default, which users rely on as much as on its type. */
  static String defaultValue(Method m) {
    Object value = m.getDefaultValue();
    if (value == null) {
      return "";
    }
    String text =
        value.getClass().isArray()
            ? Arrays.deepToString(new Object[] {value}).replaceAll("^\\[|\\]$", "")
            : value instanceof String ? '"' + value.toString() + '"' : value.toString();
    return " default " + text;
  }

  static boolean visible(Member m) {
    return !m.isSynthetic()
        && (Modifier.isPublic(m.getModifiers()) || Modifier.isProtected(m.getModifiers()));
  }

  static String modifiers(Member m) {
    int allowed =
        m instanceof Field
            ? Modifier.fieldModifiers()
            : m instanceof Constructor
                ? Modifier.constructorModifiers()
                : Modifier.methodModifiers();
    int mods = m.getModifiers() & allowed & ~(Modifier.SYNCHRONIZED | Modifier.NATIVE);
    if (m.getDeclaringClass().isInterface()) {
      mods &= ~Modifier.ABSTRACT; // every interface method without a body is abstract
    }
    String s = Modifier.toString(mods);
    return s.isEmpty() ? "" : s + " ";
  }

  static String signature(Executable e) {
    Type[] params = e.getGenericParameterTypes();
    if (params.length != e.getParameterCount()) {
      params = e.getParameterTypes(); // inner-class constructors: no generic information
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < params.length; i++) {
      String name = params[i].getTypeName();
      if (e.isVarArgs() && i == params.length - 1 && name.endsWith("[]")) {
        name = name.substring(0, name.length() - 2) + "...";
      }
      names.add(name);
    }
    String s = "(" + String.join(", ", names) + ")";
    Type[] exceptions = e.getGenericExceptionTypes();
    if (exceptions.length > 0) {
      s +=
          " throws "
              + Arrays.stream(exceptions).map(Type::getTypeName).collect(Collectors.joining(", "));
    }
    return s;
  }

  static String typeParameters(java.lang.reflect.GenericDeclaration d) {
    TypeVariable<?>[] vars = d.getTypeParameters();
    if (vars.length == 0) {
      return "";
    }
    String s =
        Arrays.stream(vars)
            .map(
                v -> {
                  Type[] bounds = v.getBounds();
                  if (bounds.length == 1 && bounds[0] == Object.class) {
                    return v.getName();
                  }
                  return v.getName()
                      + " extends "
                      + Arrays.stream(bounds)
                          .map(Type::getTypeName)
                          .collect(Collectors.joining(" & "));
                })
            .collect(Collectors.joining(", ", "<", ">"));
    return d instanceof Class ? s : s + " ";
  }

  /** The annotations that change what a caller may rely on. */
  static String annotations(java.lang.reflect.AnnotatedElement e) {
    StringBuilder s = new StringBuilder();
    Deprecated deprecated = e.getAnnotation(Deprecated.class);
    if (deprecated != null) {
      s.append(deprecated.forRemoval() ? "@Deprecated(forRemoval=true) " : "@Deprecated ");
    }
    if (e.isAnnotationPresent(FunctionalInterface.class)) {
      s.append("@FunctionalInterface ");
    }
    return s.toString();
  }

  /** The lines that differ, each under the type it belongs to. */
  static List<String> diff(List<String> a, List<String> b) {
    int[][] lcs = new int[a.size() + 1][b.size() + 1];
    for (int i = a.size() - 1; i >= 0; i--) {
      for (int j = b.size() - 1; j >= 0; j--) {
        lcs[i][j] =
            a.get(i).equals(b.get(j))
                ? lcs[i + 1][j + 1] + 1
                : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    List<String> out = new ArrayList<>();
    String typeA = "";
    String typeB = "";
    String printed = null;
    int i = 0;
    int j = 0;
    while (i < a.size() || j < b.size()) {
      if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
        typeA = typeOf(a.get(i), typeA);
        typeB = typeOf(b.get(j), typeB);
        i++;
        j++;
      } else if (i < a.size() && (j == b.size() || lcs[i + 1][j] >= lcs[i][j + 1])) {
        String line = a.get(i++);
        typeA = typeOf(line, typeA);
        printed = context(out, line, typeA, printed);
        out.add("  - " + line);
      } else {
        String line = b.get(j++);
        typeB = typeOf(line, typeB);
        printed = context(out, line, typeB, printed);
        out.add("  + " + line);
      }
    }
    return out;
  }

  static String typeOf(String line, String current) {
    return line.isEmpty() || line.startsWith(" ") || line.startsWith("#") ? current : line;
  }

  static String context(List<String> out, String line, String type, String printed) {
    if (line.startsWith("  ") && !type.equals(printed)) {
      out.add("  in " + type + ":");
      return type;
    }
    return printed;
  }
}
