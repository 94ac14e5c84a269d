package app.loyalty.shared.store;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds one item's update from clauses several owners contribute (the rolling purchase figures, the points
 * figures), each through generated placeholders, so no two contributions can clash on a name or value and DynamoDB
 * never sees an unused one.
 */
public final class UpdateExpression {
    private final List<String> set = new ArrayList<>();
    private final List<String> add = new ArrayList<>();
    private final List<String> remove = new ArrayList<>();
    private final List<String> conditions = new ArrayList<>();
    private final Map<String, String> names = new HashMap<>();
    private final Map<String, AttributeValue> values = new HashMap<>();
    private final Map<String, String> nameByText = new HashMap<>();

    /** A placeholder for an attribute name or map key (any text, e.g. an instant or a date). */
    public String name(String text) {
        return nameByText.computeIfAbsent(text, t -> {
            String placeholder = "#n" + names.size();
            names.put(placeholder, t);
            return placeholder;
        });
    }

    /** A placeholder for a value. */
    public String value(AttributeValue value) {
        String placeholder = ":v" + values.size();
        values.put(placeholder, value);
        return placeholder;
    }

    public String value(long n) {
        return value(Attr.n(n));
    }

    public UpdateExpression set(String clause) {
        set.add(clause);
        return this;
    }

    public UpdateExpression add(String clause) {
        add.add(clause);
        return this;
    }

    public UpdateExpression remove(String path) {
        remove.add(path);
        return this;
    }

    public UpdateExpression condition(String condition) {
        conditions.add(condition);
        return this;
    }

    public TransactWriteItem build(String tableName, Map<String, AttributeValue> key) {
        StringBuilder expression = new StringBuilder();
        if (!set.isEmpty()) {
            expression.append("SET ").append(String.join(", ", set));
        }
        if (!add.isEmpty()) {
            expression.append(expression.isEmpty() ? "" : " ").append("ADD ").append(String.join(", ", add));
        }
        if (!remove.isEmpty()) {
            expression.append(expression.isEmpty() ? "" : " ").append("REMOVE ").append(String.join(", ", remove));
        }
        return TransactWriteItem.builder().update(Update.builder().tableName(tableName).key(key)
                .updateExpression(expression.toString())
                .conditionExpression(conditions.isEmpty() ? null : String.join(" AND ", conditions))
                .expressionAttributeNames(names.isEmpty() ? null : names)
                .expressionAttributeValues(values.isEmpty() ? null : values)
                .build()).build();
    }
}
