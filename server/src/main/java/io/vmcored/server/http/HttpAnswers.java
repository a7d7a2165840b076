package io.vmcored.server.http;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vmcored.server.ingest.DumpEnd;
import io.vmcored.server.ingest.Refusal;
import io.vmcored.server.ingest.RefusedException;
import io.vmcored.server.ingest.UploadResult;
import io.vmcored.server.ingest.UploadStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/** The ingest service's answers in HTTP: a status code and a JSON body (docs/server.md). */
final class HttpAnswers {

    private HttpAnswers() {
    }

    /** HEAD/GET of an upload: where a resumed PUT must start, also in headers (a HEAD has no body). */
    static FullHttpResponse status(UploadStatus s) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", s.id());
        body.put("state", s.state());
        body.put("file", s.file());
        body.put("fileState", s.fileState());
        body.put("offset", s.offset());
        body.put("committed", s.committed());
        body.put("steer", s.steer());
        FullHttpResponse r = Responses.json(HttpResponseStatus.OK, body);
        r.headers().set("X-Vmcored-Offset", s.offset())
                .set("X-Vmcored-Committed", s.committed())
                .set("X-Vmcored-File-State", s.fileState());
        return r;
    }

    static FullHttpResponse end(DumpEnd e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", e.id());
        body.put("state", e.state());
        body.put("problem", e.problem());
        return Responses.json(HttpResponseStatus.OK, body);
    }

    static FullHttpResponse refused(RefusedException e) {
        return refused(e.reason(), e.getMessage(), e.offset(), e.details());
    }

    /** A PUT's final answer: 201 complete, 422 stored incomplete, 400 malformed stream, 507 disk low, 409 etc. refused. */
    static FullHttpResponse result(UploadResult r) {
        return switch (r.ending()) {
            case REFUSED -> refused(r.refusal(), r.message(), r.offset());
            case STORAGE -> Responses.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "storage", r.message());
            default -> {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("id", r.id());
                body.put("state", r.state());
                body.put("file", r.file());
                body.put("fileState", r.fileState());
                body.put("committed", r.committed());
                body.put("offset", r.offset());
                body.put("size", r.size());
                body.put("checksum", r.checksum());
                body.put("problem", r.message());
                yield Responses.json(switch (r.ending()) {
                    case COMPLETE -> HttpResponseStatus.CREATED;
                    case DISK_LOW -> HttpResponseStatus.INSUFFICIENT_STORAGE;
                    case MALFORMED -> HttpResponseStatus.BAD_REQUEST;
                    // cut short: not a success (curl --fail must fail), yet the request was sound and its
                    // bytes are kept to resume; 409 already means "refused, nothing stored" to senders
                    default -> HttpResponseStatus.UNPROCESSABLE_ENTITY;
                }, body);
            }
        };
    }

    private static FullHttpResponse refused(Refusal reason, String message, Long offset) {
        return refused(reason, message, offset, Map.of());
    }

    /** {@code details}' numbers stay numbers in the JSON ({@code "wait": 12}). */
    private static FullHttpResponse refused(Refusal reason, String message, Long offset, Map<String, String> details) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", reason.wire());
        details.forEach((k, v) -> body.put(k, v.matches("[0-9]{1,18}") ? (Object) Long.parseLong(v) : v));
        body.put("message", message);
        if (offset != null) {
            body.put("offset", offset);
        }
        return Responses.json(statusOf(reason), body);
    }

    private static HttpResponseStatus statusOf(Refusal reason) {
        return switch (reason) {
            case UNAUTHORIZED -> HttpResponseStatus.UNAUTHORIZED;
            case DISK_LOW, KERNEL_LOG_ONLY -> HttpResponseStatus.INSUFFICIENT_STORAGE;
            case UNKNOWN_DUMP -> HttpResponseStatus.NOT_FOUND;
            case CATALOG_DOWN -> HttpResponseStatus.SERVICE_UNAVAILABLE;
            case BAD_REQUEST, NOT_A_DUMP -> HttpResponseStatus.BAD_REQUEST;
            case BAD_OFFSET, BUSY, RESUME_MISMATCH, ELSEWHERE -> HttpResponseStatus.CONFLICT;
        };
    }
}
