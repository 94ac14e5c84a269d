package app.loyalty.shared.domain.member;

import java.security.SecureRandom;

/**
 * A 16-digit loyalty card number ending in a Luhn check digit, so a mistyped number is caught at the till
 * before it reaches the database. The leading 8 keeps loyalty cards apart from payment card ranges.
 */
public record CardNumber(String value) {
    public static final int LENGTH = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    public CardNumber {
        if (!isValid(value)) {
            throw new IllegalArgumentException("Card number must be " + LENGTH + " digits with a valid check digit");
        }
    }

    public static CardNumber generate() {
        StringBuilder digits = new StringBuilder("8");
        while (digits.length() < LENGTH - 1) {
            digits.append(RANDOM.nextInt(10));
        }
        return new CardNumber(digits.append(checkDigit(digits)).toString());
    }

    public static boolean isValid(String candidate) {
        if (candidate == null || candidate.length() != LENGTH || !candidate.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return false;
        }
        return checkDigit(candidate.substring(0, LENGTH - 1)) == candidate.charAt(LENGTH - 1) - '0';
    }

    /** Luhn: double every second digit from the right of the payload, sum digits, pad to a multiple of ten. */
    static int checkDigit(CharSequence payload) {
        int sum = 0;
        for (int i = payload.length() - 1, position = 0; i >= 0; i--, position++) {
            int digit = payload.charAt(i) - '0';
            if (position % 2 == 0) {
                digit *= 2;
                if (digit > 9) {
                    digit -= 9;
                }
            }
            sum += digit;
        }
        return (10 - sum % 10) % 10;
    }

    @Override
    public String toString() {
        return value;
    }
}
