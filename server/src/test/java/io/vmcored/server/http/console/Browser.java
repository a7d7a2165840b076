package io.vmcored.server.http.console;

import io.vmcored.protocol.testsupport.Requirements;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through Debian's chromedriver (never a driver or browser
 * that Selenium Manager would download): a fresh profile per browser, downloads into a
 * directory of the test's, waits with a generous deadline.
 */
final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    final ChromeDriver driver;
    final Path downloads;
    private final String base;

    private Browser(ChromeDriver driver, Path downloads, String base) {
        this.driver = driver;
        this.downloads = downloads;
        this.base = base;
    }

    static void require() {
        Requirements.require(Files.isExecutable(CHROMIUM), "Debian's chromium at " + CHROMIUM + " (./test installs it)");
        Requirements.require(Files.isExecutable(CHROMEDRIVER),
                "Debian's chromium-driver at " + CHROMEDRIVER + " (./test installs it)");
    }

    static Browser open(Path dir, int httpPort, int width, int height) throws IOException {
        require();
        Path profile = Files.createDirectories(dir.resolve("chromium-profile"));
        Path downloads = Files.createDirectories(dir.resolve("downloads"));
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toFile());
        o.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=" + width + "," + height,
                "--lang=en-US");
        o.setExperimentalOption("prefs", Map.of("download.default_directory", downloads.toString(),
                "download.prompt_for_download", false));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
        ChromeDriver d = new ChromeDriver(service, o);
        d.manage().window().setSize(new Dimension(width, height));
        return new Browser(d, downloads, "http://127.0.0.1:" + httpPort);
    }

    void go(String fragment) {
        driver.get(base + "/" + fragment);
    }

    String url(String path) {
        return base + path;
    }

    <T> T until(String what, Function<WebDriver, T> condition) {
        try {
            return new WebDriverWait(driver, Duration.ofSeconds(60), Duration.ofMillis(50)).withMessage(what)
                    .until(condition);
        } catch (RuntimeException e) {
            throw new AssertionError("browser: still waiting for " + what + " at " + driver.getCurrentUrl(), e);
        }
    }

    WebElement element(String css) {
        return until("element " + css, d -> {
            List<WebElement> found = d.findElements(By.cssSelector(css));
            return found.isEmpty() || !found.get(0).isDisplayed() ? null : found.get(0);
        });
    }

    /**
     * An attribute ({@code "text"}: the text) of the first element matching {@code css}, read
     * in one script so a list the page re-renders every second never hands back a stale
     * element; null while there is none.
     */
    String read(String css, String attribute) {
        Object v = script("const e = document.querySelector(arguments[0]); if (!e) return null;"
                + " return arguments[1] === 'text' ? e.innerText : e.getAttribute(arguments[1]);", css, attribute);
        return v == null ? null : v.toString();
    }

    String text(String css) {
        return element(css).getText();
    }

    /** Saves a screenshot of the page as {@code docs/console/<name>.png} of the repository (and in the test's directory). */
    void screenshot(String name) throws IOException {
        File shot = driver.getScreenshotAs(OutputType.FILE);
        Path docs = Path.of("..", "docs", "console");
        Files.createDirectories(docs);
        Path target = docs.resolve(name + ".png");
        Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
    }

    Object script(String js, Object... args) {
        return driver.executeScript(js, args);
    }

    /** Runs an async script: the last argument is the callback. */
    Object asyncScript(String js, Object... args) {
        return driver.executeAsyncScript(js, args);
    }

    @Override
    public void close() {
        driver.quit();
    }
}
