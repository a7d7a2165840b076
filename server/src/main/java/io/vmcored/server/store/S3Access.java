package io.vmcored.server.store;

import io.vmcored.server.config.StoreSettings;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The S3 client and presigner for {@code store.*}: AWS's default credential chain (environment,
 * profiles, instance roles), path-style addressing when an endpoint is given (MinIO, Ceph and
 * s3proxy rarely have per-bucket DNS names), the JDK's HTTP stack. Checksums are ours: each
 * part carries the SHA-256 we computed, so the SDK adds none of its own.
 */
final class S3Access implements AutoCloseable {

    /** Without an endpoint the region comes from AWS's chain; S3-compatible servers mostly ignore it. */
    private static final Region ENDPOINT_DEFAULT_REGION = Region.US_EAST_1;

    private final SdkHttpClient http;
    private final S3Client client;
    private final S3Presigner presigner;

    S3Access(StoreSettings s) {
        http = UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(10))
                .socketTimeout(Duration.ofSeconds(60))
                .build();
        var credentials = DefaultCredentialsProvider.builder().build();
        var b = S3Client.builder()
                .httpClient(http)
                .credentialsProvider(credentials)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED);
        var p = S3Presigner.builder().credentialsProvider(credentials);
        Region region = !s.region.isEmpty() ? Region.of(s.region) : !s.endpoint.isEmpty() ? ENDPOINT_DEFAULT_REGION : null;
        if (region != null) {
            b.region(region);
            p.region(region);
        }
        if (!s.endpoint.isEmpty()) {
            b.endpointOverride(URI.create(s.endpoint)).forcePathStyle(true);
            p.endpointOverride(URI.create(s.endpoint))
                    .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build());
        }
        client = b.build();
        presigner = p.build();
    }

    S3Client client() {
        return client;
    }

    S3Presigner presigner() {
        return presigner;
    }

    @Override
    public void close() {
        presigner.close();
        client.close();
        http.close();
    }
}
