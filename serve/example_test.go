package serve_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/mesosim/mesosim/scenarios"
	"github.com/mesosim/mesosim/serve"
)

// A framework subscribes to the simulated master, reads its first event
// and tears down; the run then ends in virtual time.
func Example() {
	sc, err := scenarios.Parse("example.yaml", []byte(`
name: example
duration: 1h
agents:
  - {name: agent, resources: "cpus:4;mem:4096"}
frameworks:
  - {name: my-framework, behavior: external}
`))
	if err != nil {
		panic(err)
	}
	s, err := scenarios.BuildServed(sc)
	if err != nil {
		panic(err)
	}
	srv, err := serve.New(s, serve.Config{Listen: "127.0.0.1:0"})
	if err != nil {
		panic(err)
	}
	done := make(chan string)
	go func() { done <- srv.Run().String() }()

	url := "http://" + srv.Addr() + "/api/v1/scheduler"
	resp, err := http.Post(url, "application/json",
		strings.NewReader(`{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"me","name":"my-framework"}}}`))
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	// RecordIO: the record's length on a line, then that many bytes of JSON.
	r := bufio.NewReader(resp.Body)
	head, _ := r.ReadString('\n')
	n, _ := strconv.Atoi(strings.TrimSpace(head))
	record := make([]byte, n)
	if _, err := io.ReadFull(r, record); err != nil {
		panic(err)
	}
	var event struct{ Type string }
	json.Unmarshal(record, &event)
	fmt.Println(resp.StatusCode, event.Type)

	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(`{"type":"TEARDOWN","framework_id":{"value":"my-framework"}}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Mesos-Stream-Id", resp.Header.Get("Mesos-Stream-Id"))
	tr, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	tr.Body.Close()
	fmt.Println(tr.StatusCode, "ended at", <-done)
	// Output:
	// 200 SUBSCRIBED
	// 202 ended at 1s
}
