package app.loyalty.shared.domain.member;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Key ids and the rotation the settings describe (docs/members.md, "Rotating the contact hash key"). */
class ContactHasherKeysTest {
    private static final String OLD = "old-contact-hash-key-0123456789abcdef";
    private static final String NEW = "new-contact-hash-key-fedcba9876543210";

    private static ContactHasher from(Map<String, String> settings) {
        return ContactHasher.fromSettings(name -> Optional.ofNullable(settings.get(name)));
    }

    @Test
    void aKeyAlone_isKeyK1_withNoRotation() {
        ContactHasher hasher = from(Map.of(ContactHasher.KEY_SETTING, OLD));

        assertThat(hasher.keyId()).isEqualTo(ContactHasher.DEFAULT_KEY_ID);
        assertThat(hasher.previous()).isEmpty();
        assertThat(hasher.hash(ContactHasher.Kind.PHONE, "+447700900123"))
                .isEqualTo(new ContactHasher(OLD).hash(ContactHasher.Kind.PHONE, "+447700900123"));
    }

    @Test
    void aPreviousKey_makesARotation_whoseDigestsAreTheOldKeys() {
        ContactHasher hasher = from(Map.of(ContactHasher.KEY_SETTING, NEW, ContactHasher.KEY_ID_SETTING, "k2",
                ContactHasher.PREVIOUS_KEY_SETTING, OLD, ContactHasher.PREVIOUS_KEY_ID_SETTING, "k1"));

        assertThat(hasher.keyId()).isEqualTo("k2");
        assertThat(hasher.previous()).hasValueSatisfying(previous -> {
            assertThat(previous.keyId()).isEqualTo("k1");
            assertThat(previous.hash(ContactHasher.Kind.EMAIL, "ada@example.com"))
                    .isEqualTo(new ContactHasher(OLD).hash(ContactHasher.Kind.EMAIL, "ada@example.com"));
        });
        assertThat(hasher.hash(ContactHasher.Kind.EMAIL, "ada@example.com"))
                .isNotEqualTo(hasher.previous().orElseThrow().hash(ContactHasher.Kind.EMAIL, "ada@example.com"));
    }

    @Test
    void aBlankPreviousKey_isNoRotation_butOneWithoutItsId_orWithTheCurrentId_isRefused() {
        assertThat(from(Map.of(ContactHasher.KEY_SETTING, NEW, ContactHasher.PREVIOUS_KEY_SETTING, "")).previous()).isEmpty();
        assertThatThrownBy(() -> from(Map.of(ContactHasher.KEY_SETTING, NEW, ContactHasher.PREVIOUS_KEY_SETTING, OLD)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(ContactHasher.PREVIOUS_KEY_ID_SETTING);
        assertThatThrownBy(() -> from(Map.of(ContactHasher.KEY_SETTING, NEW, ContactHasher.PREVIOUS_KEY_SETTING, OLD,
                ContactHasher.PREVIOUS_KEY_ID_SETTING, ContactHasher.DEFAULT_KEY_ID)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("another id");
        assertThatThrownBy(() -> new ContactHasher("k 2", NEW)).isInstanceOf(IllegalArgumentException.class);
    }
}
