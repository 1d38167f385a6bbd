package io.tokenmeter.dashboard.status.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.tokenmeter.dashboard.status.StatusProjection;
import io.tokenmeter.dashboard.status.UserStatus;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The signed-in user's status (CONTRACT §3.3). The user is the token's {@code sub}, compared
 * case-sensitively. Answers carry an ETag, so a page polling with {@code If-None-Match} gets a
 * bodiless 304 until something changed.
 *
 * <p>The answer is written straight from the cached bytes: this is the service's hottest path, and
 * content negotiation plus JSON mapping per request cost more than everything else the request does
 * (docs/benchmarks/dashboard-api-service.md).
 */
@RestController
class StatusController {

    private static final String CACHE_CONTROL =
            CacheControl.noCache().cachePrivate().getHeaderValue();

    private final StatusProjection projection;
    private final StatusCache cache;

    StatusController(StatusProjection projection, StatusCache cache) {
        this.projection = projection;
        this.cache = cache;
    }

    @Operation(summary = "The signed-in user's tier, period and token usage")
    @ApiResponse(
            responseCode = "200",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON_VALUE,
                            schema = @Schema(implementation = UserStatus.class)))
    @ApiResponse(responseCode = "304", description = "Unchanged since the ETag sent")
    @GetMapping(value = "/api/subscription/status", produces = MediaType.APPLICATION_JSON_VALUE)
    void status(
            Principal user,
            @RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch,
            HttpServletResponse response)
            throws IOException {
        StatusCache.CachedStatus answer = cache.get(user.getName(), projection::statusOf);
        response.setHeader(HttpHeaders.ETAG, answer.etag());
        response.setHeader(HttpHeaders.CACHE_CONTROL, CACHE_CONTROL);
        if (answer.etag().equals(ifNoneMatch)) {
            response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return;
        }
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setContentLength(answer.body().length);
        response.getOutputStream().write(answer.body());
    }
}
