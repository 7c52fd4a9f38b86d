package workshop.tooling;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

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
        Element project = parse(ScratchWorkshop.root().resolve("pom.xml"));
        Element properties = child(project, "properties").orElseThrow();
        assertThat(Long.parseLong(text(properties, "workshop.fork.timeout").orElseThrow()))
                .as("the parent pom's workshop.fork.timeout without a time factor").isEqualTo(WITHOUT_A_FACTOR);

        for (String activatedBy : List.of("env.WORKSHOP_TIME_FACTOR", "workshop.time.factor")) {
            Optional<Long> backstop = profilesActivatedBy(project, activatedBy).stream()
                    .flatMap(profile -> child(profile, "properties").stream())
                    .flatMap(props -> text(props, "workshop.fork.timeout").stream())
                    .map(Long::parseLong).findFirst();
            assertThat(backstop).withFailMessage("no profile of the parent pom activated by the property %s sets"
                    + " workshop.fork.timeout: with a time factor the tests' own limits grow, and the fork's %d s"
                    + " backstop would kill a slow module before its tests report", activatedBy, WITHOUT_A_FACTOR)
                    .isPresent();
            assertThat(backstop.get()).withFailMessage("the profile activated by %s sets workshop.fork.timeout to %d s;"
                    + " with a time factor it must be at least %d s", activatedBy, backstop.get(), WITH_A_FACTOR_AT_LEAST)
                    .isGreaterThanOrEqualTo(WITH_A_FACTOR_AT_LEAST);
        }
    }

    private static List<Element> profilesActivatedBy(Element project, String property) {
        List<Element> found = new ArrayList<>();
        for (Element profile : children(child(project, "profiles").orElseThrow(), "profile")) {
            Optional<String> name = child(profile, "activation").flatMap(a -> child(a, "property"))
                    .flatMap(p -> text(p, "name"));
            if (name.filter(property::equals).isPresent()) {
                found.add(profile);
            }
        }
        return found;
    }

    private static Element parse(Path pom) throws Exception {
        Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
        return document.getDocumentElement();
    }

    private static Optional<Element> child(Element parent, String name) {
        List<Element> all = children(parent, name);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node node = nodes.item(i);
            if (node instanceof Element element && element.getTagName().equals(name)) {
                found.add(element);
            }
        }
        return found;
    }

    private static Optional<String> text(Element parent, String name) {
        return child(parent, name).map(element -> element.getTextContent().trim());
    }
}
