package io.vmcored.server.http.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmcored.protocol.testsupport.Fixtures;
import io.vmcored.protocol.testsupport.Requirements;
import io.vmcored.server.analysis.Waits;
import io.vmcored.server.config.ServerConfig;
import io.vmcored.server.daemon.TestServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;

/**
 * Access to the console once an operator token is configured: a wrong token is refused, the
 * right one sets an HttpOnly SameSite=Strict cookie (the token never in a URL), a change
 * without the session's CSRF header or from another origin is refused, logout ends the session
 * on the server, and the viewer token sees and downloads but deletes nothing.
 */
class ConsoleLoginTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OP = "operator-secret-1";
    private static final String VIEWER = "viewer-secret-1";

    @TempDir
    Path tmp;

    /** Runs fetch() in the page, with the page's cookies; returns {status, body}. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> fetch(Browser b, String method, String path, Map<String, String> headers) {
        return (Map<String, Object>) b.asyncScript("const done = arguments[arguments.length - 1];"
                + "fetch(arguments[1], {method: arguments[0], headers: arguments[2], credentials: 'same-origin'})"
                + ".then(r => r.text().then(t => done({status: r.status, body: t})))"
                + ".catch(e => done({status: -1, body: String(e)}));", method, path, headers);
    }

    @Test
    void theTokenLogsInTheCookieIsGuardedAndTheViewerDeletesNothing() throws Exception {
        Requirements.requirePrograms("curl");
        ServerConfig c = TestServer.config(tmp).set("auth.operator-token", OP).set("auth.viewer-token", VIEWER);
        try (TestServer s = TestServer.start(c);
             Browser b = Browser.open(tmp, s.http(), 1280, 800)) {
            JsonNode put = JSON.readTree(s.sh("curl -sS -H 'Authorization: Bearer " + OP + "' -T "
                    + Fixtures.stream("kdump-zlib-d31") + " http://127.0.0.1:$HTTP/api/v1/dumps/db1"));
            String id = put.get("id").asText();
            Waits.until("the dump analyzed", () -> s.ctx().catalog().get(id).map(r -> r.summary().analyzed()).orElse(false));
            String dumpPath = "/api/v1/dumps/" + id.replace("@", "%40");

            b.go("#/");
            b.element("#login #token").sendKeys("not-the-token");
            b.element("#login button[type=submit]").click();
            b.until("the refusal", d -> "Wrong token.".equals(b.read("#login-error", "text")) ? true : null);
            assertEquals(401L, fetch(b, "GET", "/api/v1/dumps", Map.of()).get("status"), "no session: the API refuses");
            b.screenshot("login");

            b.element("#login #token").clear();
            b.element("#login #token").sendKeys(OP);
            b.element("#login button[type=submit]").click();
            b.element("#uploads");
            assertTrue(b.text("#who").contains("Logged in as operator"), b.text("#who"));
            assertFalse(b.driver.getCurrentUrl().contains(OP), "the token is in no URL: " + b.driver.getCurrentUrl());
            Cookie cookie = b.driver.manage().getCookieNamed(ConsoleSessions.COOKIE);
            assertNotNull(cookie, "the session cookie is set");
            assertTrue(cookie.isHttpOnly(), "HttpOnly");
            assertEquals("Strict", cookie.getSameSite(), "SameSite=Strict");
            assertFalse(cookie.isSecure(), "Secure only under TLS");
            assertFalse(String.valueOf(b.script("return document.cookie")).contains(ConsoleSessions.COOKIE),
                    "scripts cannot read the session cookie");
            assertEquals(200L, fetch(b, "GET", "/api/v1/dumps", Map.of()).get("status"), "the cookie reads");

            // a change with the cookie alone, or with a wrong CSRF token, is refused
            assertEquals(403L, fetch(b, "DELETE", dumpPath, Map.of()).get("status"), "no CSRF header");
            assertEquals(403L, fetch(b, "DELETE", dumpPath, Map.of(ConsoleSessions.CSRF_HEADER, "guess")).get("status"),
                    "a wrong CSRF header");
            String csrf = JSON.readTree((String) fetch(b, "GET", "/console/session", Map.of()).get("body")).get("csrf").asText();
            String cookieHeader = "-H 'Cookie: " + ConsoleSessions.COOKIE + "=" + cookie.getValue() + "' -H '"
                    + ConsoleSessions.CSRF_HEADER + ": " + csrf + "'";
            assertEquals("403", s.sh("curl -s -o /dev/null -w '%{http_code}' -X DELETE " + cookieHeader
                    + " -H 'Origin: http://evil.example' http://127.0.0.1:$HTTP" + dumpPath), "another origin is refused");
            assertTrue(s.ctx().catalog().get(id).isPresent(), "the dump is still there");

            // logout forgets the session on the server, not only in this browser
            b.element("#who button").click();
            b.element("#login #token");
            assertEquals("401", s.sh("curl -s -o /dev/null -w '%{http_code}' -H 'Cookie: " + ConsoleSessions.COOKIE + "="
                    + cookie.getValue() + "' http://127.0.0.1:$HTTP/api/v1/dumps"), "the old cookie reads nothing");

            // the viewer sees the dump and downloads its kernel log, but cannot delete it
            b.element("#login #token").sendKeys(VIEWER);
            b.element("#login button[type=submit]").click();
            b.element("#uploads");
            assertTrue(b.text("#who").contains("Logged in as viewer"), b.text("#who"));
            b.go("#/dump/" + id);
            b.element("#panic-line");
            assertTrue(b.driver.findElements(By.id("delete")).isEmpty(), "no delete button for the viewer");
            assertEquals(200L, fetch(b, "GET", dumpPath + "/files/dmesg.txt", Map.of()).get("status"), "the viewer downloads");
            String viewerCsrf = JSON.readTree((String) fetch(b, "GET", "/console/session", Map.of()).get("body"))
                    .get("csrf").asText();
            assertEquals(403L, fetch(b, "DELETE", dumpPath, Map.of(ConsoleSessions.CSRF_HEADER, viewerCsrf)).get("status"),
                    "the viewer may not delete, even with its CSRF token");
            assertEquals("401", s.sh("curl -s -o /dev/null -w '%{http_code}' -X DELETE -H 'Authorization: Bearer " + VIEWER
                    + "' http://127.0.0.1:$HTTP" + dumpPath), "nor with its token over the API");
            assertTrue(s.ctx().catalog().get(id).isPresent(), "the dump is still there");
        }
    }
}
