package workshop.tooling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/**
 * The test JVM's backstop (Surefire's fork timeout, {@code workshop.fork.timeout}) must stay above what the tests'
 * own limits allow, or it kills a slow module before its tests report: the learner then sees "There was a timeout
 * in the fork" instead of which test hung and where. The time factor stretches every test's limit, so it must
 * stretch the backstop too, whether it is given as the environment variable or as the property.
 */
class ForkBackstopTest {

    private static final long WITHOUT_A_FACTOR = 300;
    private static final long WITH_A_FACTOR_AT_LEAST = 3600;

    @Test
    void aTimeFactorGivenEitherWayRaisesTheForkBackstopToAnHour() throws Exception {
        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(ScratchWorkshop.root().resolve("pom.xml").toFile());
        XPath xpath = XPathFactory.newInstance().newXPath();
        assertThat(xpath.evaluate("/project/properties/workshop.fork.timeout", pom))
                .as("the parent pom's workshop.fork.timeout without a time factor").isEqualTo(Long.toString(WITHOUT_A_FACTOR));

        for (String activatedBy : List.of("env.WORKSHOP_TIME_FACTOR", "workshop.time.factor")) {
            String backstop = xpath.evaluate("/project/profiles/profile[activation/property/name='" + activatedBy
                    + "']/properties/workshop.fork.timeout", pom).strip();
            assertThat(backstop).withFailMessage("no profile of the parent pom activated by the property %s sets"
                    + " workshop.fork.timeout: with a time factor the tests' own limits grow, and the fork's %d s"
                    + " backstop would kill a slow module before its tests report", activatedBy, WITHOUT_A_FACTOR)
                    .isNotEmpty();
            assertThat(Long.parseLong(backstop)).withFailMessage("the profile activated by %s sets workshop.fork.timeout"
                    + " to %s s; with a time factor it must be at least %d s", activatedBy, backstop, WITH_A_FACTOR_AT_LEAST)
                    .isGreaterThanOrEqualTo(WITH_A_FACTOR_AT_LEAST);
        }
    }
}
