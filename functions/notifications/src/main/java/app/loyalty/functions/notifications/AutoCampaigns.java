package app.loyalty.functions.notifications;

import app.loyalty.functions.notifications.CampaignDefinition.PersonalOffer;
import app.loyalty.functions.notifications.CampaignDefinition.Text;

import java.util.List;
import java.util.Map;

/**
 * A program's recurring campaigns, sent by the daily schedule: {@code birthday} (on the member's birthday in the
 * program's time zone, once per member and year) and {@code weMissYou} (once {@code afterDays} have passed since the
 * member's last purchase day, once per lapse: a new purchase starts a new one). Either may be absent (off).
 */
record AutoCampaigns(Recurring birthday, Recurring weMissYou) {
    static final AutoCampaigns NONE = new AutoCampaigns(null, null);
    static final int MAX_AFTER_DAYS = 3650;

    /** One recurring campaign: texts per language, channels, optional personal offer; {@code afterDays} for weMissYou only. */
    record Recurring(Integer afterDays, Map<String, Text> messages, String defaultLanguage, List<String> channels,
                     PersonalOffer personalOffer) {
        /** As a campaign definition, for the same checks and rendering (no send time: the daily schedule's). */
        CampaignDefinition asCampaign(String name, String programDefaultLanguage) {
            return new CampaignDefinition(name, null, messages, defaultLanguage, null, channels, personalOffer)
                    .validated(programDefaultLanguage);
        }
    }

    /** Checks both (IllegalArgumentException: 400) and answers them with defaults filled in. */
    AutoCampaigns validated(String programDefaultLanguage) {
        Recurring checkedBirthday = null;
        Recurring checkedWeMissYou = null;
        if (birthday != null) {
            if (birthday.afterDays() != null) {
                throw new IllegalArgumentException("birthday.afterDays means nothing: birthday campaigns go out on the birthday");
            }
            checkedBirthday = normalized(birthday, birthday.asCampaign("birthday", programDefaultLanguage));
        }
        if (weMissYou != null) {
            if (weMissYou.afterDays() == null || weMissYou.afterDays() < 1 || weMissYou.afterDays() > MAX_AFTER_DAYS) {
                throw new IllegalArgumentException("weMissYou.afterDays must be 1.." + MAX_AFTER_DAYS);
            }
            checkedWeMissYou = normalized(weMissYou, weMissYou.asCampaign("weMissYou", programDefaultLanguage));
        }
        return new AutoCampaigns(checkedBirthday, checkedWeMissYou);
    }

    private static Recurring normalized(Recurring asked, CampaignDefinition checked) {
        return new Recurring(asked.afterDays(), checked.messages(), checked.defaultLanguage(), checked.channels(), checked.personalOffer());
    }

    boolean any() {
        return birthday != null || weMissYou != null;
    }
}
