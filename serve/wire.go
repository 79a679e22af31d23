package serve

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
)

// The JSON shapes of include/mesos/v1/scheduler/scheduler.proto and
// include/mesos/v1/mesos.proto that mesosim reads and writes. Field names
// are the proto names (as Mesos's JSON <-> protobuf conversion writes
// them), enums are strings, and a JSON null is the same as an absent field
// (encoding/json leaves the zero value).

// value is the {"value": "..."} shape of FrameworkID, OfferID, AgentID,
// TaskID and ExecutorID.
type value struct {
	Value string `json:"value"`
}

func (v *value) get() string {
	if v == nil {
		return ""
	}
	return v.Value
}

// wireCall is scheduler.proto's Call.
type wireCall struct {
	FrameworkID *value `json:"framework_id"`
	Type        string `json:"type"`
	Subscribe   *struct {
		FrameworkInfo *frameworkInfo `json:"framework_info"`
	} `json:"subscribe"`
	Accept *struct {
		OfferIDs   []value     `json:"offer_ids"`
		Operations []operation `json:"operations"`
		Filters    *filters    `json:"filters"`
	} `json:"accept"`
	Decline *struct {
		OfferIDs []value  `json:"offer_ids"`
		Filters  *filters `json:"filters"`
	} `json:"decline"`
	Revive *struct {
		Roles []string `json:"roles"`
	} `json:"revive"`
	Suppress *struct {
		Roles []string `json:"roles"`
	} `json:"suppress"`
	Kill *struct {
		TaskID  *value `json:"task_id"`
		AgentID *value `json:"agent_id"`
	} `json:"kill"`
	Shutdown *struct {
		ExecutorID *value `json:"executor_id"`
		AgentID    *value `json:"agent_id"`
	} `json:"shutdown"`
	Acknowledge *struct {
		AgentID *value `json:"agent_id"`
		TaskID  *value `json:"task_id"`
		UUID    string `json:"uuid"`
	} `json:"acknowledge"`
	Reconcile *struct {
		Tasks []struct {
			TaskID  *value `json:"task_id"`
			AgentID *value `json:"agent_id"`
		} `json:"tasks"`
	} `json:"reconcile"`
}

// frameworkInfo is mesos.proto's FrameworkInfo, the fields mesosim uses.
type frameworkInfo struct {
	User            string   `json:"user"`
	Name            string   `json:"name"`
	ID              *value   `json:"id"`
	FailoverTimeout *float64 `json:"failover_timeout"`
	Checkpoint      *bool    `json:"checkpoint"`
	Role            *string  `json:"role"`
	Roles           []string `json:"roles"`
	Hostname        string   `json:"hostname"`
	Principal       string   `json:"principal"`
	Capabilities    []struct {
		Type string `json:"type"`
	} `json:"capabilities"`
}

// filters is mesos.proto's Filters.
type filters struct {
	RefuseSeconds *float64 `json:"refuse_seconds"`
}

// operation is Offer.Operation; mesosim simulates LAUNCH.
type operation struct {
	Type   string `json:"type"`
	Launch *struct {
		TaskInfos []taskInfo `json:"task_infos"`
	} `json:"launch"`
}

// taskInfo is mesos.proto's TaskInfo, the fields mesosim uses (command,
// container and the rest are accepted and not simulated).
type taskInfo struct {
	Name      string     `json:"name"`
	TaskID    *value     `json:"task_id"`
	AgentID   *value     `json:"agent_id"`
	Resources []resource `json:"resources"`
	Labels    *struct {
		Labels []struct {
			Key   string `json:"key"`
			Value string `json:"value"`
		} `json:"labels"`
	} `json:"labels"`
}

// resource is mesos.proto's Resource (pre-refinement "role", and the
// refinement "reservations" stack, both read and written).
type resource struct {
	Name   string `json:"name"`
	Type   string `json:"type"`
	Scalar *struct {
		Value float64 `json:"value"`
	} `json:"scalar,omitempty"`
	Ranges *rangesJSON `json:"ranges,omitempty"`
	Set    *struct {
		Item []string `json:"item"`
	} `json:"set,omitempty"`
	Role           string         `json:"role,omitempty"`
	Reservations   []reservation  `json:"reservations,omitempty"`
	AllocationInfo *allocationInf `json:"allocation_info,omitempty"`
}

type rangesJSON struct {
	Range []rangeJSON `json:"range"`
}

type rangeJSON struct {
	Begin uint64 `json:"begin"`
	End   uint64 `json:"end"`
}

type reservation struct {
	Type string `json:"type,omitempty"`
	Role string `json:"role"`
}

type allocationInf struct {
	Role string `json:"role"`
}

// Events (scheduler.proto's Event), written in this field order.

type eventSubscribed struct {
	Type       string `json:"type"`
	Subscribed struct {
		FrameworkID              value      `json:"framework_id"`
		HeartbeatIntervalSeconds float64    `json:"heartbeat_interval_seconds"`
		MasterInfo               masterInfo `json:"master_info"`
	} `json:"subscribed"`
}

// masterInfo is mesos.proto's MasterInfo.
type masterInfo struct {
	ID       string  `json:"id"`
	IP       uint32  `json:"ip"`
	Port     uint32  `json:"port"`
	Hostname string  `json:"hostname"`
	Version  string  `json:"version"`
	Address  address `json:"address"`
}

type address struct {
	Hostname string `json:"hostname"`
	IP       string `json:"ip"`
	Port     int    `json:"port"`
}

type eventOffers struct {
	Type   string `json:"type"`
	Offers struct {
		Offers []offerJSON `json:"offers"`
	} `json:"offers"`
}

// offerJSON is mesos.proto's Offer.
type offerJSON struct {
	ID             value         `json:"id"`
	FrameworkID    value         `json:"framework_id"`
	AgentID        value         `json:"agent_id"`
	Hostname       string        `json:"hostname"`
	URL            urlJSON       `json:"url"`
	AllocationInfo allocationInf `json:"allocation_info"`
	Resources      []resource    `json:"resources"`
	Attributes     []struct{}    `json:"attributes"`
	ExecutorIDs    []value       `json:"executor_ids"`
}

type urlJSON struct {
	Scheme  string  `json:"scheme"`
	Address address `json:"address"`
	Path    string  `json:"path"`
}

type eventRescind struct {
	Type    string `json:"type"`
	Rescind struct {
		OfferID value `json:"offer_id"`
	} `json:"rescind"`
}

type eventUpdate struct {
	Type   string `json:"type"`
	Update struct {
		Status statusJSON `json:"status"`
	} `json:"update"`
}

// statusJSON is mesos.proto's TaskStatus.
type statusJSON struct {
	TaskID    value   `json:"task_id"`
	State     string  `json:"state"`
	Source    string  `json:"source,omitempty"`
	Reason    string  `json:"reason,omitempty"`
	Message   string  `json:"message,omitempty"`
	AgentID   *value  `json:"agent_id,omitempty"`
	Timestamp float64 `json:"timestamp"`
	UUID      string  `json:"uuid,omitempty"`
	// UnreachableTime is mesos.proto's TimeInfo: nanoseconds.
	UnreachableTime *struct {
		Nanoseconds int64 `json:"nanoseconds"`
	} `json:"unreachable_time,omitempty"`
}

type eventFailure struct {
	Type    string `json:"type"`
	Failure struct {
		AgentID value `json:"agent_id"`
	} `json:"failure"`
}

type eventError struct {
	Type  string `json:"type"`
	Error struct {
		Message string `json:"message"`
	} `json:"error"`
}

type eventHeartbeat struct {
	Type string `json:"type"`
}

// encodeUUID writes a model update UUID as the 16 bytes of a Mesos UUID
// (the value in the last 8, big-endian), base64 as protobuf's JSON writes
// bytes fields.
func encodeUUID(u uint64) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[8:], u)
	return base64.StdEncoding.EncodeToString(b[:])
}

// decodeUUID reads what encodeUUID wrote.
func decodeUUID(s string) (uint64, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return 0, fmt.Errorf("uuid: not base64: %v", err)
	}
	if len(b) != 16 {
		return 0, fmt.Errorf("uuid: %d bytes, a UUID has 16", len(b))
	}
	if binary.BigEndian.Uint64(b[:8]) != 0 {
		return 0, errors.New("uuid: not a status update UUID this master sent")
	}
	u := binary.BigEndian.Uint64(b[8:])
	if u == 0 {
		return 0, errors.New("uuid: not a status update UUID this master sent")
	}
	return u, nil
}
