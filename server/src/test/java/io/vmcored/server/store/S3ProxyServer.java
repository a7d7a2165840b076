package io.vmcored.server.store;

import io.vmcored.protocol.testsupport.Processes;
import io.vmcored.protocol.testsupport.Requirements;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 server for tests: s3proxy (Maven Central's org.gaul:s3proxy, jar-with-dependencies,
 * copied to {@code target/s3proxy/s3proxy.jar} by the build) run as a process on a free loopback
 * port, keeping its buckets as plain directories under {@code dir}. {@link #stop()} and
 * {@link #start()} again keep the port and the buckets: a store that goes away and comes back.
 * Checks the requests' AWS signatures (v2 or v4) against its own identity and credential.
 */
public final class S3ProxyServer implements AutoCloseable {

    public static final String IDENTITY = "vmcored-test";
    public static final String CREDENTIAL = "vmcored-test-secret";

    private final Path dir;
    private final int port;
    private Processes.Running process;

    private S3ProxyServer(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Starts s3proxy with its data and log under {@code dir}; waits until it answers HTTP. */
    public static S3ProxyServer start(Path dir) throws IOException, InterruptedException {
        S3ProxyServer s = new S3ProxyServer(dir, freePort());
        s.start();
        return s;
    }

    /** (Re)starts on the same port and buckets. */
    public synchronized void start() throws IOException, InterruptedException {
        if (process != null) {
            return;
        }
        Path data = Files.createDirectories(dir.resolve("buckets"));
        Path props = dir.resolve("s3proxy.properties");
        Files.writeString(props, String.join("\n",
                "s3proxy.endpoint=" + endpoint(),
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + IDENTITY,
                "s3proxy.credential=" + CREDENTIAL,
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + data,
                ""));
        ProcessBuilder pb = new ProcessBuilder(javaBin(), "-Xmx256m", "-jar", jar().toString(), "--properties",
                props.toString());
        process = new Processes.Running(pb.start(), "s3proxy on port " + port);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!answers()) {
            if (!process.process().isAlive()) {
                var r = process.await(Duration.ofSeconds(5));
                process = null;
                throw new IOException("s3proxy exited before answering: " + r);
            }
            if (System.nanoTime() > deadline) {
                stop();
                throw new IOException("s3proxy did not answer on " + endpoint() + " within 60 s");
            }
            Thread.sleep(100);
        }
    }

    /** Stops the process (SIGTERM, then SIGKILL); the buckets stay on disk. */
    public synchronized void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.process().toHandle().destroy();
        if (!process.process().waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            process.close();
        }
        process = null;
        while (portOpen()) {
            Thread.sleep(50);
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /**
     * A client with s3proxy's credentials, path-style, for tests to create buckets and read objects;
     * checksums only where required (s3proxy answers 501 to the checksum headers).
     */
    public S3Client client() {
        return S3Client.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .endpointOverride(URI.create(endpoint()))
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(IDENTITY, CREDENTIAL)))
                .build();
    }

    public void createBucket(String name) {
        try (S3Client c = client()) {
            c.createBucket(b -> b.bucket(name));
        }
    }

    /** Sets the credentials that AWS's default chain finds first in this JVM (the system properties). */
    public static void useCredentialsInThisJvm() {
        System.setProperty("aws.accessKeyId", IDENTITY);
        System.setProperty("aws.secretAccessKey", CREDENTIAL);
    }

    /** The environment a forked vmcored needs to sign its requests to this s3proxy. */
    public static List<String> environment() {
        return List.of("AWS_ACCESS_KEY_ID=" + IDENTITY, "AWS_SECRET_ACCESS_KEY=" + CREDENTIAL, "AWS_REGION=us-east-1");
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private boolean answers() {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(endpoint() + "/").toURL().openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(2000);
            int code = c.getResponseCode(); // 403 without a signature: it runs and checks them
            c.disconnect();
            return code > 0;
        } catch (IOException e) {
            return false;
        }
    }

    private boolean portOpen() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The jar the build copied (target/ or a helper's target-NAME/), else the local Maven repository's. */
    static Path jar() throws IOException {
        Optional<Path> built;
        try (Stream<Path> dirs = Files.list(Path.of("."))) {
            built = dirs.filter(d -> d.getFileName().toString().startsWith("target"))
                    .map(d -> d.resolve("s3proxy").resolve("s3proxy.jar")).filter(Files::isRegularFile).findFirst();
        }
        Path m2 = Path.of(System.getProperty("user.home"), ".m2", "repository", "org", "gaul", "s3proxy", "2.6.0",
                "s3proxy-2.6.0-jar-with-dependencies.jar");
        Path jar = built.orElse(m2);
        Requirements.require(Files.isRegularFile(jar), "s3proxy jar " + jar + " (mvn -pl server process-test-resources"
                + " copies it from Maven Central)");
        return jar;
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
