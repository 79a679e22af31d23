package serve

import (
	"encoding/json"
	"net/http"

	"github.com/mesosim/mesosim/model"
)

// The operator view: GET /master/state (and /state) in the JSON shape of
// Mesos's /master/state for frameworks, agents ("slaves") and tasks, and
// the v1 operator API's GET_STATE (include/mesos/v1/master/master.proto)
// at POST /api/v1. Both read the leading master's state at the current
// virtual instant.

type stateTask struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	FrameworkID string `json:"framework_id"`
	SlaveID     string `json:"slave_id"`
	State       string `json:"state"`
}

type stateFramework struct {
	ID        string      `json:"id"`
	Name      string      `json:"name"`
	Role      string      `json:"role"`
	Active    bool        `json:"active"`
	Connected bool        `json:"connected"`
	Tasks     []stateTask `json:"tasks"`
}

type stateAgent struct {
	ID        string             `json:"id"`
	Hostname  string             `json:"hostname"`
	Active    bool               `json:"active"`
	Resources map[string]float64 `json:"resources"`
}

type masterState struct {
	Version         string           `json:"version"`
	Leader          string           `json:"leader,omitempty"`
	ElectedTime     float64          `json:"elected_time,omitempty"`
	ActivatedSlaves int              `json:"activated_slaves"`
	Frameworks      []stateFramework `json:"frameworks"`
	Slaves          []stateAgent     `json:"slaves"`
}

// state builds the operator view. Called with s.mu held.
func (s *Server) state() masterState {
	st := masterState{Version: MesosVersion, Frameworks: []stateFramework{}, Slaves: []stateAgent{}}
	m := s.w.Master()
	if m == nil {
		return st
	}
	st.Leader = "master@" + s.Addr()
	byFw := map[string][]stateTask{}
	for _, t := range s.w.MasterTasks() {
		byFw[t.Framework] = append(byFw[t.Framework], stateTask{ID: t.Task, Name: t.Task, FrameworkID: t.Framework, SlaveID: t.Agent, State: t.State.String()})
	}
	for _, name := range s.w.FrameworkNames() {
		f := s.w.Framework(name)
		connected := true
		if e := s.fws[name]; e != nil {
			connected = e.stream != nil
			if e.torn {
				continue
			}
		}
		tasks := byFw[name]
		if tasks == nil {
			tasks = []stateTask{}
		}
		st.Frameworks = append(st.Frameworks, stateFramework{ID: name, Name: name, Role: f.Config().Role,
			Active: connected, Connected: connected, Tasks: tasks})
	}
	for _, name := range s.w.AgentNames() {
		a := s.w.Agent(name)
		active := m.KnowsAgent(a.ID()) && !a.Down()
		if active {
			st.ActivatedSlaves++
		}
		res := map[string]float64{}
		for _, it := range a.Resources().Items() {
			if it.IsScalar() {
				res[it.Name] += it.Scalar.Float()
			}
		}
		st.Slaves = append(st.Slaves, stateAgent{ID: a.ID(), Hostname: name, Active: active, Resources: res})
	}
	return st
}

func (s *Server) handleState(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", "GET")
		http.Error(w, "Expecting one of { 'GET' }, but received '"+r.Method+"'", http.StatusMethodNotAllowed)
		return
	}
	s.mu.Lock()
	st := s.state()
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, st)
}

// handleOperator is POST /api/v1 with {"type": "GET_STATE"}.
func (s *Server) handleOperator(w http.ResponseWriter, r *http.Request) {
	var call struct {
		Type string `json:"type"`
	}
	if e := s.readCall(r, w, &call); e != nil {
		http.Error(w, e.msg, e.code)
		return
	}
	if call.Type != "GET_STATE" {
		http.Error(w, "mesosim serves the operator call GET_STATE only, not "+call.Type, http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	st := s.state()
	s.mu.Unlock()
	type agentInfo struct {
		ID       value  `json:"id"`
		Hostname string `json:"hostname"`
	}
	type agent struct {
		AgentInfo agentInfo  `json:"agent_info"`
		Active    bool       `json:"active"`
		Resources []resource `json:"total_resources"`
	}
	type task struct {
		Name        string `json:"name"`
		TaskID      value  `json:"task_id"`
		FrameworkID value  `json:"framework_id"`
		AgentID     value  `json:"agent_id"`
		State       string `json:"state"`
	}
	type fwInfo struct {
		ID   value  `json:"id"`
		Name string `json:"name"`
		Role string `json:"role"`
		User string `json:"user"`
	}
	type framework struct {
		FrameworkInfo fwInfo `json:"framework_info"`
		Active        bool   `json:"active"`
		Connected     bool   `json:"connected"`
	}
	var out struct {
		Type     string `json:"type"`
		GetState struct {
			GetTasks struct {
				Tasks []task `json:"tasks"`
			} `json:"get_tasks"`
			GetFrameworks struct {
				Frameworks []framework `json:"frameworks"`
			} `json:"get_frameworks"`
			GetAgents struct {
				Agents []agent `json:"agents"`
			} `json:"get_agents"`
		} `json:"get_state"`
	}
	out.Type = "GET_STATE"
	gs := &out.GetState
	gs.GetTasks.Tasks = []task{}
	gs.GetFrameworks.Frameworks = []framework{}
	gs.GetAgents.Agents = []agent{}
	for _, f := range st.Frameworks {
		gs.GetFrameworks.Frameworks = append(gs.GetFrameworks.Frameworks, framework{
			FrameworkInfo: fwInfo{ID: value{f.ID}, Name: f.Name, Role: f.Role}, Active: f.Active, Connected: f.Connected})
		for _, t := range f.Tasks {
			gs.GetTasks.Tasks = append(gs.GetTasks.Tasks, task{Name: t.Name, TaskID: value{t.ID}, FrameworkID: value{t.FrameworkID}, AgentID: value{t.SlaveID}, State: t.State})
		}
	}
	s.mu.Lock()
	for _, a := range st.Slaves {
		res := model.Resources{}
		if ag := s.w.Agent(a.Hostname); ag != nil {
			res = ag.Resources()
		}
		gs.GetAgents.Agents = append(gs.GetAgents.Agents, agent{AgentInfo: agentInfo{ID: value{a.ID}, Hostname: a.Hostname}, Active: a.Active, Resources: wireResources(res, "*")})
	}
	s.mu.Unlock()
	b, _ := json.Marshal(out)
	w.Header().Set("Content-Type", mediaJSON)
	w.Write(b)
}
