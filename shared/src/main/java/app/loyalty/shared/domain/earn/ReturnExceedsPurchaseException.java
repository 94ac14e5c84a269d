package app.loyalty.shared.domain.earn;

import app.loyalty.shared.domain.Money;

/** A return asked to give back more than what is left of the purchase. Nothing was changed. */
public class ReturnExceedsPurchaseException extends RuntimeException {
    private final Money returnable;

    public ReturnExceedsPurchaseException(Money requested, Money returnable) {
        super("cannot return " + requested + ": only " + returnable + " of the purchase is left to return");
        this.returnable = returnable;
    }

    public Money returnable() {
        return returnable;
    }
}
