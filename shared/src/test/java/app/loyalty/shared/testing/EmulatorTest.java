package app.loyalty.shared.testing;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The resolution order and the refusal to skip, without starting anything. */
class EmulatorTest {
    private final List<String> started = new ArrayList<>();

    @Test
    void firstAvailable_failsNamingAllThreeOptions_whenNoneCanRun() {
        List<Emulator.Candidate> none = List.of(
                unavailable("LOYALTY_TEST_ENDPOINT is not set"),
                unavailable("Testcontainers reached no Docker engine"),
                unavailable("moto_server is not on PATH"));

        assertThatThrownBy(() -> Emulator.firstAvailable(none))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("LOYALTY_TEST_ENDPOINT=")
                .hasMessageContaining("Docker engine Testcontainers can reach, to run localstack/localstack:3.8")
                .hasMessageContaining("moto_server on PATH")
                .hasMessageContaining("Not used here: LOYALTY_TEST_ENDPOINT is not set; Testcontainers reached no"
                        + " Docker engine; moto_server is not on PATH.");
    }

    @Test
    void firstAvailable_startsOnlyTheFirstThatCanRun_andSaysWhatItSkipped() {
        Emulator.Resolved resolved = Emulator.firstAvailable(List.of(
                unavailable("LOYALTY_TEST_ENDPOINT is not set"),
                available("localstack"),
                available("moto")));

        assertThat(resolved.name()).isEqualTo("localstack");
        assertThat(resolved.detail()).contains("not used: LOYALTY_TEST_ENDPOINT is not set");
        assertThat(started).containsExactly("localstack");
    }

    @Test
    void parseEndpoint_refusesAValueThatIsNotAUrl() {
        assertThat(Emulator.parseEndpoint(" http://127.0.0.1:4566 ")).isEqualTo(URI.create("http://127.0.0.1:4566"));
        assertThatThrownBy(() -> Emulator.parseEndpoint("127.0.0.1:4566"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("LOYALTY_TEST_ENDPOINT='127.0.0.1:4566' is not an endpoint URL");
    }

    private static Emulator.Candidate unavailable(String reason) {
        return new Emulator.Candidate() {
            @Override
            public Optional<String> unavailableBecause() {
                return Optional.of(reason);
            }

            @Override
            public Emulator.Resolved start() {
                throw new AssertionError("started an unavailable candidate: " + reason);
            }
        };
    }

    private Emulator.Candidate available(String name) {
        return new Emulator.Candidate() {
            @Override
            public Optional<String> unavailableBecause() {
                return Optional.empty();
            }

            @Override
            public Emulator.Resolved start() {
                started.add(name);
                return new Emulator.Resolved(name, URI.create("http://127.0.0.1:1"), "fake");
            }
        };
    }
}
