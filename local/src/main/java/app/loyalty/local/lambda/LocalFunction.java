package app.loyalty.local.lambda;

import app.loyalty.local.template.Template;
import app.loyalty.shared.runtime.AppContext;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;

/**
 * One function of the template, hosted in this JVM: its handler is created once (like a Lambda init) and
 * invoked with event JSON, which is turned into the handler's input type by the same serializers the Lambda
 * Java runtime uses (aws-lambda-java-serialization), so a handler sees locally what it sees on Lambda.
 * <p>
 * Handlers are created with their AppContext constructor when they have one (CONVENTIONS.md), so they share
 * the runtime's DynamoDB client and settable clock; otherwise with their no-argument constructor, which reads
 * its configuration from the system properties the runtime has set. One instance serves concurrent
 * invocations, where Lambda would start more instances: handlers must be thread-safe, which ours are.
 */
public final class LocalFunction {
    private final Template.Function definition;
    private final String arn;
    private final Object handler;
    private final Method method;
    private final PojoSerializer<Object> input;
    private final PojoSerializer<Object> output;

    private LocalFunction(Template.Function definition, String arn, Object handler, Method method,
                          PojoSerializer<Object> input, PojoSerializer<Object> output) {
        this.definition = definition;
        this.arn = arn;
        this.handler = handler;
        this.method = method;
        this.input = input;
        this.output = output;
    }

    public static LocalFunction create(Template.Function definition, String arn, AppContext app) {
        String id = definition.logicalId();
        Class<?> type;
        try {
            type = Class.forName(definition.handlerClass());
        } catch (ClassNotFoundException e) {
            throw new FunctionError(id, "handler class " + definition.handlerClass()
                    + " is not on the local runtime's class path; add its module as a dependency of local/pom.xml", e);
        }
        Object handler;
        try {
            handler = instantiate(id, type, app);
        } catch (LinkageError e) {
            throw new FunctionError(id, "a class the handler needs is missing from the class path: " + e.getMessage(), e);
        }
        if (handler instanceof RequestStreamHandler && definition.handlerMethod().equals("handleRequest")) {
            return new LocalFunction(definition, arn, handler, null, null, null);
        }
        Method method = handlerMethod(id, type, definition.handlerMethod());
        Type inputType = method.getParameterCount() == 0 ? Object.class : method.getGenericParameterTypes()[0];
        Type outputType = method.getGenericReturnType();
        return new LocalFunction(definition, arn, handler, method, serializer(inputType),
                outputType == void.class || outputType == Void.class ? null : serializer(outputType));
    }

    public String id() {
        return definition.logicalId();
    }

    /** Invokes the handler with an event (JSON) and answers its result as JSON ("null" when it returns nothing). */
    public String invoke(String eventJson) {
        Context context = new LocalContext(id(), arn, definition.timeoutSeconds(), definition.memoryMb());
        try {
            if (method == null) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ((RequestStreamHandler) handler).handleRequest(
                        new ByteArrayInputStream(eventJson.getBytes(StandardCharsets.UTF_8)), out, context);
                return out.toString(StandardCharsets.UTF_8);
            }
            Object event = input.fromJson(eventJson);
            Object result = method.getParameterCount() == 2 ? method.invoke(handler, event, context)
                    : method.getParameterCount() == 1 ? method.invoke(handler, event) : method.invoke(handler);
            if (result == null || output == null) {
                return "null";
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            output.toJson(result, out);
            return out.toString(StandardCharsets.UTF_8);
        } catch (InvocationTargetException e) {
            throw failed(context, e.getCause());
        } catch (IOException | RuntimeException | IllegalAccessException e) {
            throw failed(context, e);
        }
    }

    /** Logs the failure the way Lambda does (with the request id, to the function's log) and surfaces it. */
    private FunctionError failed(Context context, Throwable cause) {
        System.err.println("[" + id() + "] " + context.getAwsRequestId() + " invocation failed: " + cause);
        cause.printStackTrace(System.err);
        return new FunctionError(id(), "invocation failed: " + cause, cause);
    }

    private static Object instantiate(String id, Class<?> type, AppContext app) {
        try {
            Constructor<?> withContext = type.getConstructor(AppContext.class);
            return withContext.newInstance(app);
        } catch (NoSuchMethodException noContextConstructor) {
            try {
                return type.getConstructor().newInstance();
            } catch (NoSuchMethodException e) {
                throw new FunctionError(id, type.getName() + " has neither an AppContext nor a no-argument public constructor", e);
            } catch (ReflectiveOperationException e) {
                throw initFailed(id, e);
            }
        } catch (ReflectiveOperationException e) {
            throw initFailed(id, e);
        }
    }

    private static FunctionError initFailed(String id, ReflectiveOperationException e) {
        Throwable cause = e instanceof InvocationTargetException ? e.getCause() : e;
        return new FunctionError(id, "init failed: " + cause, cause);
    }

    /** The handler method as Lambda picks it: public, by name, the most parameters (event, Context) first. */
    private static Method handlerMethod(String id, Class<?> type, String name) {
        return Arrays.stream(type.getMethods())
                .filter(m -> m.getName().equals(name) && !m.isBridge() && !m.isSynthetic()
                        && !Modifier.isStatic(m.getModifiers()) && m.getParameterCount() <= 2)
                .filter(m -> m.getParameterCount() < 2 || Context.class.isAssignableFrom(m.getParameterTypes()[1]))
                .max(Comparator.comparingInt(Method::getParameterCount))
                .orElseThrow(() -> new FunctionError(id, "no public method " + name + "(event[, Context]) on " + type.getName(), null));
    }

    @SuppressWarnings("unchecked")
    private static PojoSerializer<Object> serializer(Type type) {
        Class<?> raw = type instanceof ParameterizedType parameterized ? (Class<?>) parameterized.getRawType() : (Class<?>) type;
        if (LambdaEventSerializers.isLambdaSupportedEvent(raw.getName())) {
            return (PojoSerializer<Object>) LambdaEventSerializers.serializerFor(raw, LocalFunction.class.getClassLoader());
        }
        return JacksonFactory.getInstance().getSerializer(type);
    }
}
