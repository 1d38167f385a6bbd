package io.tokenmeter.dashboard.benchmark;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A minimal blocking HTTP/1.1 keep-alive client for load generation: one socket, one request at a
 * time, Content-Length and chunked bodies. Costs a fraction of what a general-purpose client does,
 * so that on a small machine the generator leaves the CPU to the server under test.
 */
final class RawHttpClient implements Closeable {

    private final int port;
    private final byte[] line = new byte[8192];
    private Socket socket;
    private OutputStream out;
    private InputStream in;

    RawHttpClient(int port) throws IOException {
        this.port = port;
        connect();
    }

    private void connect() throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress("127.0.0.1", port));
        out = socket.getOutputStream();
        in = new BufferedInputStream(socket.getInputStream(), 65536);
    }

    /** The answer's status code and body (body empty on 304). */
    record Response(int status, String body) {}

    Response get(String path, String bearer) throws IOException {
        String request =
                "GET "
                        + path
                        + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                        + bearer
                        + "\r\nAccept: application/json\r\n\r\n";
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        String statusLine = readLine();
        int status = Integer.parseInt(statusLine.substring(9, 12));
        int contentLength = -1;
        boolean chunked = false;
        boolean close = false;
        String header;
        while (!(header = readLine()).isEmpty()) {
            int colon = header.indexOf(':');
            String name = header.substring(0, colon).trim();
            if (name.equalsIgnoreCase("Content-Length")) {
                contentLength = Integer.parseInt(header.substring(colon + 1).trim());
            } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                chunked = header.toLowerCase().contains("chunked");
            } else if (name.equalsIgnoreCase("Connection")) {
                // Tomcat closes a keep-alive connection after 100 requests by default.
                close = header.toLowerCase().contains("close");
            }
        }
        if (status == 304 || status == 204) {
            reconnectIf(close);
            return new Response(status, "");
        }
        StringBuilder body = new StringBuilder();
        if (chunked) {
            int size;
            while ((size = Integer.parseInt(readLine().trim(), 16)) > 0) {
                body.append(new String(in.readNBytes(size), StandardCharsets.UTF_8));
                readLine();
            }
            readLine();
        } else if (contentLength >= 0) {
            body.append(new String(in.readNBytes(contentLength), StandardCharsets.UTF_8));
        }
        reconnectIf(close);
        return new Response(status, body.toString());
    }

    private void reconnectIf(boolean closed) throws IOException {
        if (closed) {
            socket.close();
            connect();
        }
    }

    private String readLine() throws IOException {
        int length = 0;
        int b;
        while ((b = in.read()) != '\n') {
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
        socket.close();
    }
}
