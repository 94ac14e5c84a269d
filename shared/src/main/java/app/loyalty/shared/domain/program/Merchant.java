package app.loyalty.shared.domain.program;

import java.time.Instant;

/** A merchant in a program. Its API key is shown once at creation and stored only as a hash. */
public record Merchant(String merchantId, String programId, String name, Instant createdAt) {
    public Merchant {
        if (name == null || name.isBlank() || name.length() > 100) {
            throw new IllegalArgumentException("name is required, at most 100 characters");
        }
    }
}
