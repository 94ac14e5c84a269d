package app.loyalty.local.testfunctions;

import app.loyalty.shared.events.DomainEvent;
import app.loyalty.shared.http.ApiException;
import app.loyalty.shared.http.ApiFunction;
import app.loyalty.shared.http.ApiResponse;
import app.loyalty.shared.http.Route;
import app.loyalty.shared.runtime.AppContext;
import app.loyalty.shared.store.Attr;
import app.loyalty.shared.store.IdempotentWriter;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A test double of an HTTP function, shaped like the real ones: POST /v1/things writes an item and a
 * ThingHappened outbox event in one transaction (so the stream, the real relay and the rules run behind it),
 * GET /v1/things/{thingId} reads it back.
 */
public final class ThingsHandler extends ApiFunction {
    public record NewThing(String name, long size) {
    }

    public ThingsHandler(AppContext app) {
        super(Map.of(
                "POST /v1/things", Route.operator(request -> {
                    NewThing thing = request.body(NewThing.class);
                    String thingId = "thg_" + UUID.randomUUID();
                    return new IdempotentWriter(app.dynamo(), app.tableName(), app.clock()).execute(request, () ->
                            new IdempotentWriter.Write(201, Map.of("thingId", thingId, "name", thing.name()),
                                    List.of(TransactWriteItem.builder().put(Put.builder().tableName(app.tableName())
                                            .item(Map.of("PK", Attr.s("THING#" + thingId), "SK", Attr.s("THING"),
                                                    "name", Attr.s(thing.name()), "size", Attr.n(thing.size())))
                                            .build()).build()),
                                    List.of(new DomainEvent(UUID.randomUUID().toString(), "ThingHappened",
                                            app.clock().instant(), "prg_test",
                                            Map.of("thingId", thingId, "size", thing.size())))));
                }),
                "GET /v1/things/{thingId}", Route.operator(request -> {
                    var item = app.dynamo().getItem(r -> r.tableName(app.tableName())
                            .key(Attr.key("THING#" + request.pathParameter("thingId"), "THING"))).item();
                    if (item == null || item.isEmpty()) {
                        throw ApiException.notFound("Thing");
                    }
                    return ApiResponse.json(200, Map.of("name", Attr.string(item, "name"),
                            "size", Attr.number(item, "size")));
                })));
    }
}
