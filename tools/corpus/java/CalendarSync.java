// Real Java network failures against servers on 127.0.0.1, logged with
// java.util.logging (SimpleFormatter) and with plain e.printStackTrace().
// Compiled and run by ../java.sh; all output goes to stderr.
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

public class CalendarSync {
    static final Logger LOG = Logger.getLogger("com.example.calsync.SyncWorker");
    static final Logger HTTP = Logger.getLogger("com.example.calsync.GoogleClient");
    static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");

    static class CalendarSyncException extends Exception {
        CalendarSyncException(String m, Throwable c) { super(m, c); }
    }

    static void plain(String level, String msg) {
        System.err.println(LocalDateTime.now().format(TS) + " " + level + " [main] c.e.calsync.Legacy - " + msg);
    }

    static String get(String url, int readTimeoutMs) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        c.setConnectTimeout(1000);
        c.setReadTimeout(readTimeoutMs);
        try (InputStream in = c.getInputStream()) {
            return new String(in.readAllBytes());
        }
    }

    static String fetchEvents(String url, int readTimeoutMs) throws CalendarSyncException {
        try {
            return get(url, readTimeoutMs);
        } catch (IOException e) {
            throw new CalendarSyncException("events fetch failed for " + url, e);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public static void main(String[] args) throws Exception {
        // a local status server (com.sun.net.httpserver)
        HttpServer hs = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hs.createContext("/", ex -> {
            String p = ex.getRequestURI().getPath();
            int code = p.startsWith("/status/") ? Integer.parseInt(p.substring(8)) : 200;
            byte[] b = ("{\"code\":" + code + "}").getBytes();
            ex.sendResponseHeaders(code, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        hs.start();
        String base = "http://127.0.0.1:" + hs.getAddress().getPort();
        // a 'slow' server: accepts, reads nothing, never answers
        ServerSocket slow = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        List<Socket> held = new ArrayList<>();
        Thread t = new Thread(() -> {
            try { while (true) held.add(slow.accept()); } catch (IOException ignored) { }
        });
        t.setDaemon(true);
        t.start();
        String slowUrl = "http://127.0.0.1:" + slow.getLocalPort() + "/calendar/v3/calendars/primary/events";
        int closed = freePort();
        String closedUrl = "http://127.0.0.1:" + closed + "/calendar/v3/users/me/calendarList";

        LOG.info("calendar-sync worker starting, java " + System.getProperty("java.version"));
        for (int i = 1; i <= 4; i++) {
            get(base + "/calendar/v3/users/" + i + "/calendarList", 2000);
            LOG.info("synced calendarList for user " + i + " status=200 timeout=2000ms");
        }

        // 1. SocketTimeoutException: Read timed out, wrapped (Caused by:)
        try {
            fetchEvents(slowUrl, 500);
        } catch (CalendarSyncException e) {
            LOG.log(Level.SEVERE, "sync failed for user 17", e);
        }
        // 2. same, plain printStackTrace after a timestamped line
        try {
            get(slowUrl, 500);
        } catch (IOException e) {
            plain("ERROR", "google calendar request failed, user=18");
            e.printStackTrace();
        }
        // 3. retry warning on timeout
        for (int attempt = 1; attempt <= 2; attempt++) {
            try {
                get(slowUrl, 300);
            } catch (IOException e) {
                LOG.warning("attempt " + attempt + "/3 for user 19 timed out (" + e + "), retrying in 200ms");
                Thread.sleep(200);
            }
        }
        // 4. ConnectException: Connection refused
        try {
            get(closedUrl, 1000);
        } catch (IOException e) {
            HTTP.log(Level.SEVERE, "calendarList request failed", e);
        }
        try {
            fetchEvents(closedUrl, 1000);
        } catch (CalendarSyncException e) {
            plain("ERROR", "unexpected error in sync loop");
            e.printStackTrace();
        }
        // 5. java.net.http.HttpClient timeouts and refusals
        HttpClient hc = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        try {
            hc.send(HttpRequest.newBuilder(URI.create(slowUrl)).timeout(Duration.ofMillis(500)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            HTTP.log(Level.SEVERE, "events.list failed for user 20", e);
        }
        try {
            hc.send(HttpRequest.newBuilder(URI.create(closedUrl)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            HTTP.log(Level.WARNING, "push channel renewal failed, will retry", e);
        }
        // 6. HTTP status errors via HttpURLConnection
        for (int code : new int[] {503, 429, 401, 500}) {
            try {
                get(base + "/status/" + code, 1000);
            } catch (IOException e) {
                HTTP.log(Level.SEVERE, "request to calendar API failed", e);
            }
        }
        // 7. a programming error
        try {
            String tz = null;
            LOG.info("timezone length " + tz.length());
        } catch (NullPointerException e) {
            LOG.log(Level.SEVERE, "unhandled exception while mapping event timezone", e);
        }
        for (int i = 5; i <= 10; i++) {
            get(base + "/calendar/v3/users/" + i + "/calendarList", 2000);
            LOG.info("synced calendarList for user " + i + " status=200 errors=0");
        }
        LOG.info("calendar-sync worker stopped");
        hs.stop(0);
        slow.close();
        for (Socket s : held) s.close();
        System.exit(0);
    }
}
