package workshop.tooling;

import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The public API of a class as a set of readable lines: kind and type parameters, supertypes,
 * constructors, methods (with checked exceptions), fields, record components and nested types.
 * Implementation details (synchronized, final methods, private members) are left out, so a skeleton
 * and its solution compare equal exactly when tests written against one compile against the other.
 */
final class PublicApi {

    private PublicApi() {
    }

    static TreeSet<String> of(Class<?> type) {
        TreeSet<String> lines = new TreeSet<>();
        describe(type, type.getSimpleName(), lines);
        return lines;
    }

    private static void describe(Class<?> type, String prefix, TreeSet<String> lines) {
        lines.add(prefix + ": " + header(type));
        for (Constructor<?> c : type.getDeclaredConstructors()) {
            if (visible(c.getModifiers()) && !c.isSynthetic() && !type.isEnum()) {
                lines.add(prefix + ": constructor(" + params(c) + ")" + throwsClause(c));
            }
        }
        for (Method m : type.getDeclaredMethods()) {
            if (visible(m.getModifiers()) && !m.isSynthetic() && !m.isBridge() && !overridesObject(m)) {
                String kind = Modifier.isStatic(m.getModifiers()) ? "static " : "";
                if (type.isInterface() && m.isDefault()) {
                    kind = "default ";
                }
                lines.add(prefix + ": " + kind + typeName(m.getGenericReturnType()) + " " + m.getName() + "("
                        + params(m) + ")" + throwsClause(m));
            }
        }
        for (Field f : type.getDeclaredFields()) {
            if (visible(f.getModifiers()) && !f.isSynthetic()) {
                lines.add(prefix + ": " + (f.isEnumConstant() ? "enum constant " : "field ")
                        + (Modifier.isStatic(f.getModifiers()) ? "static " : "")
                        + (Modifier.isFinal(f.getModifiers()) ? "final " : "") + typeName(f.getGenericType()) + " "
                        + f.getName());
            }
        }
        if (type.isRecord()) {
            lines.add(prefix + ": record components (" + Arrays.stream(type.getRecordComponents())
                    .map(r -> typeName(r.getGenericType()) + " " + r.getName()).collect(Collectors.joining(", ")) + ")");
        }
        for (Class<?> nested : type.getDeclaredClasses()) {
            if (visible(nested.getModifiers())) {
                describe(nested, prefix + "." + nested.getSimpleName(), lines);
            }
        }
    }

    private static String header(Class<?> type) {
        String kind = type.isAnnotation() ? "@interface" : type.isInterface() ? "interface" : type.isEnum() ? "enum"
                : type.isRecord() ? "record" : Modifier.isAbstract(type.getModifiers()) ? "abstract class" : "class";
        String sealed = type.isSealed() ? "sealed " : "";
        StringBuilder header = new StringBuilder(sealed + kind);
        TypeVariable<?>[] params = type.getTypeParameters();
        if (params.length > 0) {
            header.append(Arrays.stream(params).map(PublicApi::typeVariable).collect(Collectors.joining(", ", "<", ">")));
        }
        Type superclass = type.getGenericSuperclass();
        if (superclass != null && superclass != Object.class && !type.isEnum() && !type.isRecord()) {
            header.append(" extends ").append(typeName(superclass));
        }
        List<String> interfaces = Arrays.stream(type.getGenericInterfaces()).map(PublicApi::typeName).sorted().toList();
        if (!interfaces.isEmpty()) {
            header.append(type.isInterface() ? " extends " : " implements ").append(String.join(", ", interfaces));
        }
        return header.toString();
    }

    private static String typeVariable(TypeVariable<?> variable) {
        List<String> bounds = Arrays.stream(variable.getBounds()).filter(b -> b != Object.class).map(PublicApi::typeName).toList();
        return bounds.isEmpty() ? variable.getName() : variable.getName() + " extends " + String.join(" & ", bounds);
    }

    private static String params(Executable e) {
        return Arrays.stream(e.getGenericParameterTypes()).map(PublicApi::typeName).collect(Collectors.joining(", "));
    }

    private static String throwsClause(Executable e) {
        String checked = Arrays.stream(e.getExceptionTypes())
                .filter(x -> !RuntimeException.class.isAssignableFrom(x) && !Error.class.isAssignableFrom(x))
                .map(Class::getName).sorted().collect(Collectors.joining(", "));
        return checked.isEmpty() ? "" : " throws " + checked;
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static String typeName(Type type) {
        return Objects.toString(type.getTypeName());
    }

    /** toString, equals and hashCode: every class has them, so overriding one adds nothing to the API. */
    private static boolean overridesObject(Method m) {
        return (m.getName().equals("toString") || m.getName().equals("hashCode")) && m.getParameterCount() == 0
                || m.getName().equals("equals") && m.getParameterCount() == 1 && m.getParameterTypes()[0] == Object.class;
    }
}
