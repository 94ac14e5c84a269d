package app.loyalty.local.lambda;

import app.loyalty.local.template.Template;
import app.loyalty.shared.runtime.AppContext;

import java.util.LinkedHashMap;
import java.util.Map;

/** Every function of the template, initialised once at start, by logical id. */
public final class FunctionHost {
    private final Map<String, LocalFunction> functions;

    private FunctionHost(Map<String, LocalFunction> functions) {
        this.functions = functions;
    }

    /**
     * Initialises every function. A function whose handler cannot be created stops the start with the reason,
     * rather than leaving routes that fail on every call.
     */
    public static FunctionHost start(Template template, AppContext app) {
        Map<String, LocalFunction> functions = new LinkedHashMap<>();
        for (Template.Function definition : template.functions().values()) {
            String arn = template.intrinsics().getAtt(definition.logicalId(), "Arn").orElseThrow();
            functions.put(definition.logicalId(), LocalFunction.create(definition, arn, app));
        }
        return new FunctionHost(Map.copyOf(functions));
    }

    public LocalFunction get(String logicalId) {
        LocalFunction function = functions.get(logicalId);
        if (function == null) {
            throw new IllegalArgumentException("No function " + logicalId + " in the template");
        }
        return function;
    }
}
