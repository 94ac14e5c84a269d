package app.loyalty.shared.domain.program;

import app.loyalty.shared.domain.Text;

import java.time.Instant;

/** A merchant in a program. Its API key is shown once at creation and stored only as a hash. */
public record Merchant(String merchantId, String programId, String name, Instant createdAt) {
    public Merchant {
        name = Text.required("name", name, Program.MAX_NAME);
    }
}
