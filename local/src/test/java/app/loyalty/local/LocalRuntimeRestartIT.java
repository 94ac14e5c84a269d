package app.loyalty.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A runtime restarted on the same --data-dir resumes the event relay where it stopped: the events it had
 * published before are not published again.
 */
class LocalRuntimeRestartIT {
    private static final String OPERATOR_KEY = "restart-operator-key-0123456789";
    private static final Path TEMPLATE = Path.of("..", "template.yaml").toAbsolutePath().normalize();
    /** An enrolment with this phone; contacts are unique per program, so each member gets its own. */
    private static String enrolment(String phone) {
        return """
                {"profile":{"name":"Ada Lovelace","phone":"%s"},
                 "consents":{"sms":true,"email":true,"push":false},"kind":"customer"}""".formatted(phone);
    }

    @TempDir
    Path dataDirectory;

    @Test
    void restartOnTheSameDataDirectory_publishesOnlyWhatIsNew() {
        String merchantKey;
        String firstMember;
        try (LocalRuntime first = start()) {
            LocalApi api = new LocalApi(first.url());
            String programId = api.post("/v1/programs", OPERATOR_KEY, "restart-program-1",
                    "{\"name\":\"Coffee Club\",\"currency\":\"EUR\"}").json().get("programId").asText();
            merchantKey = api.post("/v1/programs/" + programId + "/merchants", OPERATOR_KEY, "restart-merchant-1",
                    "{\"name\":\"Bean Bar\"}").json().get("apiKey").asText();
            firstMember = api.post("/v1/members", merchantKey, "restart-enrol-1", enrolment("+447700900123")).json().get("memberId").asText();
            api.awaitEvent("MemberEnrolled", "memberId", firstMember);
            api.awaitEvent("CardIssued", "memberId", firstMember);
        }
        assertThat(dataDirectory.resolve("stream-positions")).as("the relay's position is kept").isNotEmptyDirectory();

        try (LocalRuntime second = start()) {
            LocalApi api = new LocalApi(second.url());
            LocalApi.Response enrolled = api.post("/v1/members", merchantKey, "restart-enrol-2", enrolment("+447700900124"));
            assertThat(enrolled.status()).as(enrolled.body()).isEqualTo(201);
            String secondMember = enrolled.json().get("memberId").asText();

            // The stream is read in order, so once the new member's events are out, any replay would be too.
            api.awaitEvent("CardIssued", "memberId", secondMember);
            assertThat(api.events()).as("events published after the restart: only the new member's, none of %s",
                    firstMember).allSatisfy(event -> assertThat(event.path("detail").path("memberId").asText())
                    .isEqualTo(secondMember));
        }
    }

    private LocalRuntime start() {
        return LocalRuntime.start(new LocalRuntime.Options("127.0.0.1", 0, Optional.of(dataDirectory), TEMPLATE,
                Optional.of(OPERATOR_KEY), "eu-west-1"));
    }
}
