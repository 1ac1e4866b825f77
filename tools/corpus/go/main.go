// Real Go net/http client failures against servers on 127.0.0.1, logged with
// the standard "log" package (Go 1.19 on Debian 12 has no log/slog).
// Run by ../go.sh.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"time"
)

func main() {
	log.SetOutput(os.Stderr)
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)

	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(3 * time.Second):
		case <-r.Context().Done():
		}
		w.WriteHeader(200)
	}))
	defer slow.Close()
	status := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		code := 200
		if strings.HasPrefix(r.URL.Path, "/status/") {
			code, _ = strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/status/"))
		}
		w.WriteHeader(code)
		fmt.Fprintf(w, `{"code":%d}`, code)
	}))
	defer status.Close()
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	closedAddr := l.Addr().String()
	l.Close()

	client := &http.Client{Timeout: 500 * time.Millisecond}
	log.Printf("INFO calsync-gateway starting go=%s", strings.TrimPrefix(os.Getenv("GOVERSION_STR"), "go version "))
	for i := 1; i <= 5; i++ {
		resp, err := client.Get(status.URL + "/calendar/v3/users/" + strconv.Itoa(i) + "/calendarList")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			log.Printf("INFO fetched calendarList user=%d status=%d timeout=500ms", i, resp.StatusCode)
		}
	}

	// 1. http.Client.Timeout -> context deadline exceeded (Client.Timeout exceeded while awaiting headers)
	for _, uid := range []int{21, 22} {
		_, err := client.Get(slow.URL + "/calendar/v3/calendars/primary/events")
		log.Printf("ERROR events fetch failed user=%d: %v", uid, err)
	}
	// 2. context.WithTimeout -> context deadline exceeded
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	req, _ := http.NewRequestWithContext(ctx, "GET", slow.URL+"/freebusy", nil)
	_, err := http.DefaultClient.Do(req)
	cancel()
	if errors.Is(err, context.DeadlineExceeded) {
		log.Printf("WARN freebusy query timed out, retrying in 1s: %v", err)
	}
	ctx, cancel = context.WithTimeout(context.Background(), 300*time.Millisecond)
	req, _ = http.NewRequestWithContext(ctx, "GET", slow.URL+"/freebusy", nil)
	_, err = http.DefaultClient.Do(req)
	cancel()
	log.Printf("ERROR freebusy query failed after 2 attempts: %v", err)

	// 3. connection refused
	for attempt := 1; attempt <= 2; attempt++ {
		_, err = client.Get("http://" + closedAddr + "/webhooks/calendar")
		log.Printf("WARN webhook relay attempt %d failed: %v", attempt, err)
	}
	_, err = net.DialTimeout("tcp", closedAddr, time.Second)
	log.Printf("ERROR redis: %v", err)

	// 4. HTTP status errors
	for _, code := range []int{500, 502, 503, 504, 429, 401} {
		resp, err := client.Get(status.URL + "/status/" + strconv.Itoa(code))
		if err != nil {
			continue
		}
		resp.Body.Close()
		switch {
		case code == 429:
			log.Printf("WARN google api throttled: status=%d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
		default:
			log.Printf("ERROR google api request failed: status=%d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
		}
	}
	// 5. a panic recovered and logged (stack trace printed without timestamps)
	func() {
		defer func() {
			if r := recover(); r != nil {
				log.Printf("PANIC recovered in sync worker: %v", r)
			}
		}()
		var m map[string]int
		m["user"] = 1
	}()
	for i := 6; i <= 10; i++ {
		resp, err := client.Get(status.URL + "/calendar/v3/users/" + strconv.Itoa(i) + "/calendarList")
		if err == nil {
			resp.Body.Close()
			log.Printf("INFO fetched calendarList user=%d status=%d errors=0", i, resp.StatusCode)
		}
	}
	log.Printf("INFO calsync-gateway stopped, flushing metrics")
	flushMetrics(nil) // an unrecovered nil-pointer panic: Go prints it without timestamps
}

type metrics struct{ sent int }

func flushMetrics(m *metrics) {
	m.sent++
}
