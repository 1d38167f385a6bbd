package io.tokenmeter.dashboard;

import static io.tokenmeter.dashboard.States.NOVEMBER;
import static io.tokenmeter.dashboard.States.newUser;
import static io.tokenmeter.dashboard.States.publish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.openqa.selenium.support.ui.ExpectedConditions.alertIsPresent;

import com.sun.net.httpserver.HttpServer;
import io.tokenmeter.events.SubscriptionState;
import io.tokenmeter.testsupport.IntegrationTest;
import io.tokenmeter.testsupport.TestHttp;
import io.tokenmeter.testsupport.TestJwts;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The usage page in a real headless Chromium (Debian's {@code chromium} and {@code
 * chromium-driver}). Skipped, with a message, where they are not installed. Screenshots land in
 * {@code target/screenshots/}.
 */
@IntegrationTest(
        properties = {
            "AUTH_JWT_SECRET=" + TestJwts.SECRET,
            "spring.kafka.consumer.group-id=dashboard-page-tests-${random.uuid}"
        })
class UsagePageIntegrationTests {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    static final String PURPLE = "rgba(124, 58, 237, 1)";
    static final String YELLOW = "rgba(234, 179, 8, 1)";
    static final String RED = "rgba(220, 38, 38, 1)";
    static final String WARNING = "Limite presque atteinte - pensez à upgrader";

    /** Plays the subscription service's checkout endpoint, with CORS as a browser needs it. */
    static HttpServer subscriptionService;

    static final AtomicReference<String> checkoutAuthorization = new AtomicReference<>();

    static ChromeDriver browser;

    @LocalServerPort int port;

    @DynamicPropertySource
    static void subscriptionServiceUrl(DynamicPropertyRegistry registry) throws IOException {
        subscriptionService = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        subscriptionService.createContext(
                "/api/subscription/checkout/",
                exchange -> {
                    exchange.getResponseHeaders().add("Access-Control-Allow-Origin", "*");
                    exchange.getResponseHeaders()
                            .add("Access-Control-Allow-Headers", "Authorization, Accept");
                    if ("OPTIONS".equals(exchange.getRequestMethod())) {
                        exchange.sendResponseHeaders(204, -1);
                        exchange.close();
                        return;
                    }
                    checkoutAuthorization.set(
                            exchange.getRequestHeaders().getFirst("Authorization"));
                    String tier = exchange.getRequestURI().getPath().replaceAll(".*/", "");
                    byte[] body =
                            ("{\"checkout_url\": \"about:blank#checkout-"
                                            + tier
                                            + "\","
                                            + " \"session_id\": \"cs_test_1\"}")
                                    .getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                    exchange.close();
                });
        subscriptionService.start();
        registry.add(
                "tokenmeter.dashboard.subscription-service-url",
                () -> "http://127.0.0.1:" + subscriptionService.getAddress().getPort());
    }

    @BeforeAll
    static void startBrowser() throws IOException {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        // CI sets it: there a missing browser is a broken build, not a reason to skip.
        if (Boolean.parseBoolean(System.getenv("TOKENMETER_REQUIRE_BROWSER"))) {
            assertThat(installed)
                    .as(
                            "TOKENMETER_REQUIRE_BROWSER is set but %s or %s is missing",
                            CHROMIUM, CHROMEDRIVER)
                    .isTrue();
        }
        assumeTrue(
                installed,
                "Browser tests skipped: install Debian's chromium and chromium-driver"
                        + " (apt-get install -y chromium chromium-driver)");
        ChromeDriverService service =
                new ChromeDriverService.Builder()
                        .usingDriverExecutable(CHROMEDRIVER.toFile())
                        .usingAnyFreePort()
                        .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--window-size=1200,1100",
                "--user-data-dir=" + Files.createTempDirectory("chromium-profile"));
        browser = new ChromeDriver(service, options);
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
        if (subscriptionService != null) {
            subscriptionService.stop(0);
        }
    }

    @Test
    void coloursTheBarPurpleBelow70YellowFrom70To90AndRedAbove90WithAWarning() {
        assertBar(69, PURPLE, false);
        assertBar(70, YELLOW, false);
        assertBar(90, YELLOW, false);
        assertBar(91, RED, true);
    }

    private void assertBar(int percent, String colour, boolean warned) {
        String user = newUser();
        long used = 6_000_000L * percent / 100;
        publish(States.pro(user, NOVEMBER));
        publish(States.usage(user, "PRO", NOVEMBER, used));
        awaitStatus(user, used);

        open(user);
        waitForText("tokens-used", grouped(used));

        WebElement fill = browser.findElement(By.id("usage-bar-fill"));
        assertThat(fill.getCssValue("background-color")).as("%d %%", percent).isEqualTo(colour);
        assertThat(text("usage-percent")).isEqualTo(percent + " %");
        assertThat(browser.findElement(By.id("usage-warning")).isDisplayed())
                .as("warning at %d %%", percent)
                .isEqualTo(warned);
        if (warned) {
            assertThat(text("usage-warning")).isEqualTo(WARNING);
        }
        screenshot("bar-" + percent + "-percent");
    }

    @Test
    void labelsFreeAsOneShotDemoAndPaidTiersWithTheirPeriod() {
        String free = newUser();
        publish(States.usage(free, "FREE", null, 12_345));
        awaitStatus(free, 12_345);
        open(free);
        waitForText("tokens-used", "12 345");
        assertThat(text("tier-label")).isEqualTo("One-shot (Demo)");
        assertThat(text("tokens-limit")).isEqualTo("100 000");
        assertThat(text("remaining")).isEqualTo("87 655 tokens");
        assertThat(browser.findElements(By.cssSelector(".plan")))
                .allSatisfy(plan -> assertThat(plan.isDisplayed()).isTrue());
        screenshot("free-tier");

        String paid = newUser();
        publish(States.pro(paid, NOVEMBER));
        publish(States.usage(paid, "PRO", NOVEMBER, 1_234_567));
        awaitStatus(paid, 1_234_567);
        open(paid);
        waitForText("tokens-used", "1 234 567");
        assertThat(text("tier-name")).isEqualTo("Pro");
        assertThat(text("tier-label")).isEqualTo("Période du 1 novembre 2026 au 1 décembre 2026");
        assertThat(text("tokens-limit")).isEqualTo("6 000 000");
        assertThat(text("period-end")).isEqualTo("1 décembre 2026");
        assertThat(browser.findElement(By.cssSelector(".plan[data-tier=MAX]")).isDisplayed())
                .isTrue();
        assertThat(browser.findElement(By.cssSelector(".plan[data-tier=PRO]")).isDisplayed())
                .isFalse();
        screenshot("pro-tier");
    }

    @Test
    void showsTheSessionsLeftOnceTheUserHasSessions() {
        String user = newUser();
        publish(States.usage(user, "FREE", null, 12_345));
        awaitStatus(user, 12_345);
        open(user);
        waitForText("tokens-used", "12 345");
        assertThat(browser.findElement(By.id("sessions-left")).isDisplayed()).isFalse();

        // 87,655 left, two sessions of 4,200 tokens: 87,655 × 2 ÷ 8,400 = 20.87 → 20.
        publish(States.sessionCost("s_a_" + user, user, Instant.now()));
        publish(States.sessionCost("s_b_" + user, user, Instant.now()));
        waitForText("sessions-left", "≈ 20 corrections restantes");
        screenshot("sessions-left");
    }

    @Test
    void showsNewUsageWithoutReloading() {
        String user = newUser();
        publish(States.pro(user, NOVEMBER));
        publish(States.usage(user, "PRO", NOVEMBER, 10_000));
        publish(States.sessionCost("s_first_" + user, user, Instant.now()));
        awaitStatus(user, 10_000);
        open(user);
        waitForText("tokens-used", "10 000");
        ((JavascriptExecutor) browser).executeScript("window.sameDocument = 'yes';");

        publish(States.usage(user, "PRO", NOVEMBER, 4_250_000));
        publish(States.sessionCost("s_second_" + user, user, Instant.now()));

        waitForText("tokens-used", "4 250 000");
        assertThat(browser.findElement(By.id("usage-bar-fill")).getCssValue("background-color"))
                .isEqualTo(YELLOW);
        new WebDriverWait(browser, Duration.ofSeconds(20))
                .until(d -> d.findElements(By.cssSelector("#sessions tr")).size() == 2);
        assertThat(text("sessions")).contains("s_second_" + user).contains("$0.014250");
        assertThat(((JavascriptExecutor) browser).executeScript("return window.sameDocument;"))
                .isEqualTo("yes");
        screenshot("live-update");
    }

    @Test
    void warnsOfAFailedPaymentAndStartsCheckoutWithTheUsersToken() {
        String user = newUser();
        SubscriptionState failed = States.pro(user, NOVEMBER);
        failed.setTier("ESSENTIEL");
        failed.setStatus("past_due");
        failed.setPaymentFailed(true);
        publish(failed);
        publish(States.usage(user, "ESSENTIEL", NOVEMBER, 1_000));
        awaitStatus(user, 1_000);
        String token = open(user);
        waitForText("tokens-used", "1 000");

        assertThat(browser.findElement(By.id("payment-failed")).isDisplayed()).isTrue();
        assertThat(text("payment-failed")).contains("Le dernier paiement a échoué");
        screenshot("payment-failed");

        browser.findElement(By.cssSelector("button[data-checkout=max]")).click();

        new WebDriverWait(browser, Duration.ofSeconds(20))
                .until(d -> d.getCurrentUrl().endsWith("#checkout-max"));
        assertThat(checkoutAuthorization.get()).isEqualTo("Bearer " + token);
    }

    @Test
    void asksBeforeALinkReplacesTheStoredSessionWithAnotherUsers() {
        String owner = newUser();
        String other = newUser();
        for (String user : List.of(owner, other)) {
            publish(States.usage(user, "FREE", null, owner.equals(user) ? 1_111 : 2_222));
            awaitStatus(user, owner.equals(user) ? 1_111 : 2_222);
        }
        String ownersToken = open(owner);
        waitForText("tokens-used", "1 111");

        link(other);
        Alert question = new WebDriverWait(browser, Duration.ofSeconds(10)).until(alertIsPresent());
        assertThat(question.getText()).contains("autre compte");
        question.dismiss();

        waitForText("tokens-used", "1 111");
        assertThat(storedToken()).isEqualTo(ownersToken);
        assertThat(browser.getCurrentUrl()).doesNotContain("token=");

        String othersToken = link(other);
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(alertIsPresent()).accept();

        waitForText("tokens-used", "2 222");
        assertThat(storedToken()).isEqualTo(othersToken);

        // A renewed token of the signed-in user replaces the stored one without asking.
        String renewed = TestJwts.user(other).expiresAt(Instant.now().plusSeconds(7_200)).token();
        browser.get("about:blank");
        browser.get("http://localhost:" + port + "/#token=" + renewed);
        waitForText("tokens-used", "2 222");
        assertThat(storedToken()).isEqualTo(renewed);
    }

    private String storedToken() {
        return (String)
                ((JavascriptExecutor) browser)
                        .executeScript("return localStorage.getItem('tokenmeter.token');");
    }

    /** Opens the page as a front end would link to it, signed in as {@code user}. */
    private String open(String user) {
        signOut();
        return link(user);
    }

    /** Follows a link to the page carrying {@code user}'s token, whatever session is stored. */
    private String link(String user) {
        String token = TestJwts.user(user).token();
        browser.get("about:blank");
        browser.get("http://localhost:" + port + "/#token=" + token);
        return token;
    }

    private void signOut() {
        browser.get("http://localhost:" + port + "/favicon.svg");
        ((JavascriptExecutor) browser).executeScript("localStorage.clear();");
    }

    private void awaitStatus(String user, long used) {
        await().untilAsserted(
                        () ->
                                assertThat(
                                                new TestHttp(port)
                                                        .get(
                                                                "/api/subscription/status",
                                                                TestJwts.user(user).token())
                                                        .body())
                                        .contains("\"tokens_used\":" + used + ","));
    }

    private void waitForText(String id, String expected) {
        new WebDriverWait(browser, Duration.ofSeconds(20))
                .until(d -> expected.equals(normalise(d.findElement(By.id(id)).getText())));
    }

    private String text(String id) {
        return normalise(browser.findElement(By.id(id)).getText());
    }

    /** French formatting groups digits with narrow no-break spaces; compare with plain ones. */
    private static String normalise(String text) {
        return text.replace('\u202f', ' ').replace('\u00a0', ' ').trim();
    }

    private static String grouped(long value) {
        return String.format(java.util.Locale.ROOT, "%,d", value).replace(',', ' ');
    }

    private void screenshot(String name) {
        try {
            File shot = browser.getScreenshotAs(OutputType.FILE);
            Files.copy(
                    shot.toPath(),
                    SCREENSHOTS.resolve(name + ".png"),
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
