package io.vmcored.server.catalog;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The manifest's {@code store} object: where a finished dump's files were uploaded (the object
 * store, io.vmcored.server.store) and whether the spool still holds them. A file listed here
 * and absent from the dump directory is read from the bucket.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class StoredCopy {

    /** {@code s3://BUCKET/KEY-PREFIX/} under which every file of the dump lies. */
    public String url;
    public String bucket;
    /** When the last file was uploaded and verified. */
    public String at;
    /** When the spool's copies of the uploaded files were freed; null while the spool holds them. */
    public String freed;
    public Map<String, StoredFile> files = new LinkedHashMap<>();

    /** One uploaded file. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static final class StoredFile {
        public String key;
        public String etag;
        public long size;
        /** SHA-256 of the whole file as read for the upload, {@code sha256:<64 hex>}. */
        public String sha256;
        /** The bucket's checksum of the object (SHA-256 of the parts' SHA-256s, "-N" parts), as it reported it. */
        public String checksum;
    }
}
