package dev.convoarchive.http.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.port.LiveConversations;
import dev.convoarchive.http.config.AppConfig;
import dev.convoarchive.http.local.LocalMode;
import dev.convoarchive.http.support.TestService;
import dev.convoarchive.http.support.Tokens;
import dev.convoarchive.s3.StorageVariant;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The "Archived chats" page in a real browser (Debian's Chromium, driven through chromedriver),
 * against the service in local mode, as a person would use it: list, open, restore, delete,
 * export, and an expired session shown as a sign-in prompt. Outside CI it is skipped where
 * Chromium is not installed; in CI (.ci/run installs it) it never is.
 */
class ArchivedChatsPageTest {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir
  static Path data;
  @TempDir
  static Path downloads;
  private static LocalMode.Running local;
  private static ChromeDriver browser;
  private static WebDriverWait wait;

  @BeforeAll
  static void start() {
    boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (!"true".equals(System.getenv("CI"))) {
      assumeTrue(installed, "Chromium and chromedriver are not installed here (apt-get install chromium chromium-driver)");
    }
    Properties properties = new Properties();
    properties.setProperty("PORT", "0");
    properties.setProperty("DATA_DIR", data.toString());
    local = LocalMode.start(AppConfig.load(Map.of(), properties));

    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    // As this machine's notes give them: without the networking flags Chromium keeps trying hosts it cannot reach.
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--window-size=1000,800");
    options.setExperimentalOption("prefs", Map.of("download.default_directory", downloads.toString(),
        "download.prompt_for_download", false));
    // The driver named explicitly, so Selenium Manager never tries to download one.
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort().build();
    browser = new ChromeDriver(service, options);
    // The page replaces list items as it goes; an element read mid-change is read again.
    wait = new WebDriverWait(browser, Duration.ofSeconds(20));
    wait.ignoring(StaleElementReferenceException.class);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (local != null) {
      local.close();
    }
  }

  private static String page() {
    return "http://127.0.0.1:" + local.app().port() + "/archived-chats/";
  }

  private static List<String> titles() {
    return browser.findElements(By.cssSelector("#entries .title")).stream().map(WebElement::getText).toList();
  }

  private static WebElement entry(String title) {
    return browser.findElements(By.cssSelector("#entries li")).stream()
        .filter(item -> item.findElement(By.className("title")).getText().equals(title)).findFirst().orElseThrow();
  }

  private static void click(WebElement item, String label) {
    item.findElements(By.tagName("button")).stream().filter(button -> button.getText().equals(label)).findFirst()
        .orElseThrow().click();
  }

  private static int status(String method, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + local.app().port() + path))
        .header("Authorization", "Bearer " + local.userToken()).method(method, HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void aSignedInUserListsOpensRestoresDeletesAndExports() throws Exception {
    ConversationId first = LocalMode.DEMO_CONVERSATIONS.get(0);
    ConversationId third = LocalMode.DEMO_CONVERSATIONS.get(2);
    assertThat(status("POST", "/v1/users/me/conversations/" + first.value() + "/archive")).isEqualTo(201);

    browser.get(page() + "#access_token=" + local.userToken());
    wait.until(driver -> titles().size() == 2);
    assertThat(titles()).containsExactlyInAnyOrder("Demo conversation 1", "Demo conversation 3");
    assertThat(browser.getCurrentUrl()).as("the token is taken out of the address").doesNotContain("access_token");

    click(entry("Demo conversation 3"), "Open");
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("conversation")));
    assertThat(browser.findElement(By.id("conversation-title")).getText()).isEqualTo("Demo conversation 3");
    assertThat(browser.findElements(By.cssSelector("#messages li")).stream().map(WebElement::getText).toList())
        .anyMatch(text -> text.contains("What is cold storage?"))
        .anyMatch(text -> text.contains("Cheap storage for data you rarely read."));
    browser.findElement(By.id("close")).click();

    click(entry("Demo conversation 1"), "Restore");
    wait.until(driver -> titles().size() == 1);
    assertThat(browser.findElement(By.id("status")).getText()).contains("is back in your chats");
    LiveConversations live = local.app().liveConversations();
    assertThat(live.find(LocalMode.DEMO_USER, first)).as("restored into the live database").isPresent();

    browser.findElement(By.id("export")).click();
    Path exported = downloads.resolve("archived-chats.ndjson");
    wait.until(driver -> Files.exists(exported) && size(exported) > 0);
    List<String> lines = Files.readAllLines(exported, StandardCharsets.UTF_8);
    assertThat(lines).hasSize(1);
    JsonNode conversation = JSON.readTree(lines.get(0));
    assertThat(conversation.get("id").asText()).isEqualTo(third.value());
    assertThat(conversation.get("messages")).hasSize(2);

    click(entry("Demo conversation 3"), "Delete");
    wait.until(ExpectedConditions.alertIsPresent()).accept();
    wait.until(driver -> titles().isEmpty());
    assertThat(browser.findElement(By.id("empty")).isDisplayed()).isTrue();
    assertThat(status("GET", "/v1/users/me/archive/" + third.value())).as("erased").isEqualTo(404);
  }

  @Test
  void anExpiredSessionIsShownAsASignInPrompt() throws Exception {
    Instant past = Instant.now().minus(Duration.ofHours(2));
    SignedJWT expired = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder()
        .subject(LocalMode.DEMO_USER.toString()).audience("authenticated").claim("role", "authenticated")
        .issueTime(Date.from(past)).expirationTime(Date.from(past.plus(Duration.ofHours(1)))).build());
    expired.sign(new MACSigner(local.secret().getBytes(StandardCharsets.UTF_8)));

    browser.get(page() + "#access_token=" + expired.serialize());

    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in")));
    assertThat(browser.findElement(By.id("sign-in-title")).getText()).contains("session has expired");
    assertThat(browser.findElement(By.id("archive")).isDisplayed()).isFalse();

    // Signing in again (here: pasting a fresh token) shows the list.
    browser.findElement(By.id("token")).sendKeys(local.userToken());
    browser.findElement(By.cssSelector("#sign-in-form button")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("archive")));
  }

  /** The search box finds by what was said, shows where, opens the hit, and never touches the address bar. */
  @Test
  void theSearchBoxFindsShowsWhereAndOpens() throws Exception {
    ConversationId second = LocalMode.DEMO_CONVERSATIONS.get(1);
    assertThat(status("POST", "/v1/users/me/conversations/" + second.value() + "/archive")).isEqualTo(201);
    try {
      searchTheArchive();
    } finally {
      // The other tests here start from the demo as loaded.
      assertThat(status("POST", "/v1/users/me/archive/" + second.value() + "/restore")).isEqualTo(200);
    }
  }

  private void searchTheArchive() {
    browser.get(page() + "#access_token=" + local.userToken());
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("archive")));
    String address = browser.getCurrentUrl();

    browser.findElement(By.id("query")).sendKeys("\"conversation 2\" rarely");
    browser.findElement(By.cssSelector("#search button[type=submit]")).click();
    wait.until(driver -> titles().equals(List.of("Demo conversation 2")));

    List<String> marked = browser.findElements(By.cssSelector("#entries .snippet mark")).stream().map(WebElement::getText).toList();
    assertThat(marked).isNotEmpty().allSatisfy(word -> assertThat(word.toLowerCase()).isIn("conversation", "2", "rarely",
        "conversation 2"));
    assertThat(browser.getCurrentUrl()).as("the address bar as it was: no query, no token").isEqualTo(address)
        .doesNotContain("access_token").doesNotContain("q=");

    click(entry("Demo conversation 2"), "Open");
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("conversation")));
    assertThat(browser.findElement(By.id("conversation-title")).getText()).isEqualTo("Demo conversation 2");
    browser.findElement(By.id("close")).click();

    browser.findElement(By.id("query")).clear();
    browser.findElement(By.id("query")).sendKeys("nothing-like-this-was-said");
    browser.findElement(By.cssSelector("#search button[type=submit]")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("no-match")));
    browser.findElement(By.id("clear-search")).click();
    wait.until(driver -> titles().contains("Demo conversation 2"));
    assertThat(browser.findElement(By.id("no-match")).isDisplayed()).isFalse();
  }

  /** A malformed token is not an expired session: the page says the link or token is not valid. */
  @Test
  void aMalformedTokenIsNotCalledAnExpiredSession() {
    browser.get(page() + "#access_token=not-a-jwt");

    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in")));
    assertThat(browser.findElement(By.id("sign-in-title")).getText()).contains("not valid")
        .doesNotContain("expired");
  }

  /**
   * Supabase Auth out of reach: the service answers 503 (the token may be good), and the page
   * says so and keeps the session, so a reload once Auth is back needs no new sign-in.
   */
  @Test
  void aSupabaseAuthOutageKeepsTheSession() throws Exception {
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Tokens tokens = Tokens.shared();
    AppConfig unreachableAuth = TestService.config(StorageVariant.PER_FILE_POSTGRES_INDEX, tokens)
        .withAuth(new AppConfig.AuthSettings(Optional.empty(), Optional.of(URI.create("http://127.0.0.1:" + closedPort))));
    unreachableAuth = unreachableAuth.withWeb(unreachableAuth.web().withArchivedChatsPage(true));
    try (TestService service = TestService.start(unreachableAuth, List.of())) {
      String token = tokens.es256(tokens.userClaims(UserId.random()));
      browser.get(service.base().resolve("/archived-chats/") + "#access_token=" + token);

      wait.until(driver -> !browser.findElement(By.id("status")).getText().isEmpty());
      assertThat(browser.findElement(By.id("status")).getText()).contains("retry later");
      assertThat(browser.findElement(By.id("sign-in")).isDisplayed()).as("not signed out").isFalse();
      assertThat(browser.findElement(By.id("sign-out")).isDisplayed()).as("still signed in").isTrue();
      assertThat(browser.executeScript("return sessionStorage.getItem('convo-archive.access-token')")).isEqualTo(token);
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (java.io.IOException e) {
      return 0;
    }
  }
}
