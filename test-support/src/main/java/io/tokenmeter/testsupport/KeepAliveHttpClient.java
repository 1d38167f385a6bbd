package io.tokenmeter.testsupport;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A minimal blocking HTTP/1.1 keep-alive client for load generators: one socket to 127.0.0.1, one
 * request at a time, Content-Length and chunked bodies, reconnecting when the server closes (Tomcat
 * does after 100 requests). It costs a fraction of what a general-purpose client does, so that on a
 * small machine the generator leaves the CPU to the server it measures. The benchmarks share it.
 */
public final class KeepAliveHttpClient implements Closeable {

    /** The answer: status, the ETag header if any, and the body (empty on 204 and 304). */
    public record Response(int status, String etag, byte[] body) {

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private static final byte[] NO_BODY = new byte[0];

    private final int port;
    private final byte[] line = new byte[8192];
    private Socket socket;
    private OutputStream out;
    private InputStream in;

    public KeepAliveHttpClient(int port) {
        this.port = port;
    }

    /** {@code GET path} with the given header lines ({@code "Name: value"}, null ones skipped). */
    public Response get(String path, String... headers) throws IOException {
        StringBuilder request =
                new StringBuilder(256)
                        .append("GET ")
                        .append(path)
                        .append(" HTTP/1.1\r\nHost: localhost\r\n");
        for (String header : headers) {
            if (header != null) {
                request.append(header).append("\r\n");
            }
        }
        request.append("\r\n");
        return send(request.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Sends a complete request (head and body, as bytes) and reads the whole answer. */
    public Response send(byte[] request) throws IOException {
        if (socket == null) {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress("127.0.0.1", port));
            out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
            in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        }
        out.write(request);
        out.flush();
        int status = Integer.parseInt(readLine().substring(9, 12));
        int length = -1;
        boolean chunked = false;
        boolean close = false;
        String etag = null;
        // Only the few headers that matter are cut out of their line: the generator's own cost
        // per answer is part of every measurement.
        for (String header = readLine(); !header.isEmpty(); header = readLine()) {
            if (isHeader(header, "Content-Length:")) {
                length = Integer.parseInt(valueOf(header, "Content-Length:"));
            } else if (isHeader(header, "ETag:")) {
                etag = valueOf(header, "ETag:");
            } else if (isHeader(header, "Transfer-Encoding:")) {
                chunked =
                        valueOf(header, "Transfer-Encoding:")
                                .toLowerCase(Locale.ROOT)
                                .contains("chunked");
            } else if (isHeader(header, "Connection:")) {
                close = valueOf(header, "Connection:").equalsIgnoreCase("close");
            }
        }
        byte[] body = NO_BODY;
        if (status != 204 && status != 304) {
            if (chunked) {
                body = readChunked();
            } else if (length > 0) {
                body = in.readNBytes(length);
            }
        }
        if (close) {
            close();
        }
        return new Response(status, etag, body);
    }

    private static boolean isHeader(String line, String nameAndColon) {
        return line.regionMatches(true, 0, nameAndColon, 0, nameAndColon.length());
    }

    private static String valueOf(String line, String nameAndColon) {
        return line.substring(nameAndColon.length()).trim();
    }

    private byte[] readChunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int size = chunkSize(); size > 0; size = chunkSize()) {
            body.write(in.readNBytes(size));
            readLine();
        }
        readLine();
        return body.toByteArray();
    }

    private int chunkSize() throws IOException {
        String size = readLine();
        int extension = size.indexOf(';');
        return Integer.parseInt((extension < 0 ? size : size.substring(0, extension)).trim(), 16);
    }

    private String readLine() throws IOException {
        int length = 0;
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed");
            }
            if (b != '\r') {
                line[length++] = (byte) b;
            }
        }
        return new String(line, 0, length, StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        if (socket != null) {
            socket.close();
            socket = null;
        }
    }
}
