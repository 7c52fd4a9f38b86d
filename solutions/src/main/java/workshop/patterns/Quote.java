package workshop.patterns;

import java.util.Objects;

/**
 * A price offered by one service for an item.
 *
 * @param service the name of the service that made the offer
 * @param priceCents the price in cents, zero or more
 */
public record Quote(String service, long priceCents) {

    public Quote {
        Objects.requireNonNull(service, "service");
        if (priceCents < 0) {
            throw new IllegalArgumentException("priceCents must be zero or more, was " + priceCents);
        }
    }
}
