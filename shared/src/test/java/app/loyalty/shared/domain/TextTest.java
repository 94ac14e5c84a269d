package app.loyalty.shared.domain;

import app.loyalty.shared.domain.member.MemberProfile;
import app.loyalty.shared.domain.program.Merchant;
import app.loyalty.shared.domain.program.Program;
import app.loyalty.shared.domain.program.ProgramRules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TextTest {
    private static final Instant NOW = Instant.parse("2026-11-23T09:30:00Z");

    @ParameterizedTest
    @ValueSource(strings = {
            "Club\u0000",          // NUL
            "Club\u001b[31m",      // escape: terminal colours in a support console
            "Club\nBar",           // line feed
            "Club\u0085",          // NEL, a C1 control
            "Club\u2028Bar",       // line separator
            "Club \u202eraB",      // right-to-left override
            "Club \u202aBar",      // left-to-right embedding
            "Club \u2066Bar",      // left-to-right isolate
            "Club \u2069Bar",      // pop directional isolate
            "Club\u200bBar",       // zero-width space
            "\ufeffClub",          // byte order mark
            "Club\ud800",          // lone high surrogate
            "\udc00Club",          // lone low surrogate
            "Club\ud83d",          // half an emoji
            "Club\ufffd",          // replacement character: a lossy decoding upstream
            "Club\ufdd0",          // noncharacter
            "Club\uffff"})         // noncharacter
    void required_refusesWithTheFieldName_forControlFormatAndIllFormedText(String value) {
        assertThatThrownBy(() -> Text.required("name", value, 100))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("name must not contain");
    }

    @Test
    void required_normalizesToNfc_andStrips() {
        String decomposed = "  Cafe\u0301 Cre\u0300me ";

        assertThat(Text.required("name", decomposed, 100)).isEqualTo("Caf\u00e9 Cr\u00e8me");
    }

    @Test
    void required_keepsEmojiAndJoiners_thatScriptsAndEmojiSequencesNeed() {
        String family = "\ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67";
        String persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645";

        assertThat(Text.required("name", "Club " + family, 100)).isEqualTo("Club " + family);
        assertThat(Text.required("name", persian, 100)).isEqualTo(persian);
    }

    @Test
    void required_capsTheTextAsSent_asTheContractsMaxLengthDoes() {
        String decomposedHundredAndOne = "Cafe\u0301" + "x".repeat(96);

        assertThatThrownBy(() -> Text.required("name", decomposedHundredAndOne, 100))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 100");
    }

    @Test
    void required_countsCodePoints_notUtf16Units() {
        String hundredEmoji = "\ud83d\ude00".repeat(100);

        assertThat(Text.required("name", hundredEmoji, 100)).isEqualTo(hundredEmoji);
        assertThatThrownBy(() -> Text.required("name", hundredEmoji + "a", 100))
                .hasMessage("name must be at most 100 characters");
    }

    @Test
    void required_countsAfterNormalization() {
        // 50 "e" + combining acute: 100 code points sent (within the cap), 50 once composed.
        assertThat(Text.required("name", "e\u0301".repeat(50), 100)).hasSize(50);
    }

    @Test
    void required_refusesMissingAndBlank() {
        assertThatThrownBy(() -> Text.required("name", null, 100)).hasMessage("name is required");
        assertThatThrownBy(() -> Text.required("name", " \t ", 100)).hasMessageContaining("name must not");
        assertThatThrownBy(() -> Text.required("name", "   ", 100)).hasMessage("name must not be blank");
    }

    @Test
    void everyHumanReadableField_followsTheRule() {
        assertThatThrownBy(() -> new Program("prg_a", "Club\u0000", "EUR", null, NOW, NOW, 1))
                .hasMessageStartingWith("name must not contain");
        assertThatThrownBy(() -> new Merchant("mch_a", "prg_a", "Bar\ud800", NOW))
                .hasMessageStartingWith("name must not contain");
        assertThatThrownBy(() -> new MemberProfile("Ada\udc00", "+447700900123", null, null, Map.of()))
                .hasMessageStartingWith("profile.name must not contain");
        assertThatThrownBy(() -> new MemberProfile("Ada", "+447700900123", null, null, Map.of("language", "en\u202e")))
                .hasMessageStartingWith("profile.preferences.language must not contain");
        assertThatThrownBy(() -> new ProgramRules.Earn(1, 100, Set.of("gift\u0000cards"), Set.of(), Map.of(), 0, null, null))
                .hasMessageStartingWith("earn.excludedCategories[] must not contain");
        assertThatThrownBy(() -> new ProgramRules.Earn(1, 100, Set.of(), Set.of(), Map.of("app\u2066arel", 15_000), 0, null, null))
                .hasMessageStartingWith("earn.categoryMultiplierBp keys must not contain");
    }

    @Test
    void records_storeTheNormalizedText() {
        MemberProfile profile = new MemberProfile("Zo\u00eb", "+447700900123", null, null, Map.of("city", "Ko\u0308ln"));

        assertThat(new Program("prg_a", "Cafe\u0301", "EUR", null, NOW, NOW, 1).name()).isEqualTo("Caf\u00e9");
        assertThat(new Merchant("mch_a", "prg_a", " Cafe\u0301 ", NOW).name()).isEqualTo("Caf\u00e9");
        assertThat(profile.preferences()).containsEntry("city", "K\u00f6ln");
    }
}
