package app.loyalty.local.api;

import app.loyalty.local.template.Template;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * HTTP API route selection: the most specific route wins, as API Gateway does it. Segment by segment a literal
 * beats a {parameter}, which beats a greedy {proxy+}; a route for the request's method beats ANY; and
 * "$default" catches whatever nothing else matched.
 */
public final class RouteTable {
    private final List<Candidate> candidates;

    public record Match(Template.Route route, Map<String, String> pathParameters) {
    }

    private record Candidate(Template.Route route, List<String> segments) {
        /** Sort key: per segment 0 literal, 1 parameter, 2 greedy; then ANY after a specific method. */
        String specificity() {
            StringBuilder key = new StringBuilder();
            for (String segment : segments) {
                key.append(segment.endsWith("+}") ? '2' : segment.startsWith("{") ? '1' : '0');
            }
            return key.append(route.method().equals("ANY") ? '1' : '0').toString();
        }
    }

    public RouteTable(List<Template.Route> routes) {
        this.candidates = routes.stream()
                .map(route -> new Candidate(route, route.path().equals("$default") ? List.of() : segments(route.path())))
                .sorted(Comparator.comparing((Candidate c) -> c.route().path().equals("$default"))
                        .thenComparing(Candidate::specificity))
                .toList();
    }

    public Optional<Match> match(String method, String rawPath) {
        List<String> requested = segments(rawPath);
        for (Candidate candidate : candidates) {
            if (!candidate.route().method().equals("ANY") && !candidate.route().method().equals(method)) {
                continue;
            }
            if (candidate.route().path().equals("$default")) {
                return Optional.of(new Match(candidate.route(), Map.of()));
            }
            Map<String, String> parameters = bind(candidate.segments(), requested);
            if (parameters != null) {
                return Optional.of(new Match(candidate.route(), parameters));
            }
        }
        return Optional.empty();
    }

    /** Path parameters when the template's segments match the request's, else null. Values are URL-decoded. */
    private static Map<String, String> bind(List<String> template, List<String> requested) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i < template.size(); i++) {
            String segment = template.get(i);
            if (segment.endsWith("+}")) {
                if (i >= requested.size()) {
                    return null;
                }
                parameters.put(segment.substring(1, segment.length() - 2),
                        decode(String.join("/", requested.subList(i, requested.size()))));
                return parameters;
            }
            if (i >= requested.size()) {
                return null;
            }
            if (segment.startsWith("{") && segment.endsWith("}")) {
                if (requested.get(i).isEmpty()) {
                    return null;
                }
                parameters.put(segment.substring(1, segment.length() - 1), decode(requested.get(i)));
            } else if (!segment.equals(requested.get(i))) {
                return null;
            }
        }
        return template.size() == requested.size() ? parameters : null;
    }

    private static List<String> segments(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        if (trimmed.isEmpty()) {
            return List.of();
        }
        return new ArrayList<>(List.of(trimmed.split("/", -1)));
    }

    private static String decode(String value) {
        // Path segments: '+' is a literal plus, not a space.
        return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
