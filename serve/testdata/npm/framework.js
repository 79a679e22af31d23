// mesosim serve's real-peer test for the npm package mesos-framework 0.5.3,
// used unmodified: the library subscribes, launches the task definitions
// through its offer handler, acknowledges every update, and re-subscribes
// with its framework ID when the stream closes (a master failover). This
// script reconciles after every re-subscription, and tears down once every
// task has finished. Usage: node framework.js HOST PORT TASKS
"use strict";

var mf = require("mesos-framework");
var Mesos = mf.Mesos.getMesos();

var host = process.argv[2] || "127.0.0.1";
var port = parseInt(process.argv[3] || "5050");
var tasks = parseInt(process.argv[4] || "3");

var scheduler = new mf.Scheduler({
    masterUrl: host,
    port: port,
    frameworkName: "mesos-framework",
    frameworkFailoverTimeout: 3600,
    logging: { level: "error" },
    tasks: {
        sleep: {
            priority: 1,
            instances: tasks,
            commandInfo: new Mesos.CommandInfo(null, null, true, "sleep 60", null, null),
            resources: { cpus: 1, mem: 128, ports: 0, disk: 0 }
        }
    }
});

var subscribed = 0;
var finished = {};
var done = false;

scheduler.on("subscribed", function (obj) {
    subscribed++;
    console.log("SUBSCRIBED " + obj.frameworkId + " (" + subscribed + ")");
    if (subscribed > 1) {
        scheduler.reconcile();
    }
});

scheduler.on("update", function (update) {
    var id = update.status.task_id.value;
    console.log("UPDATE " + id + " " + update.status.state);
    if (update.status.state === "TASK_FINISHED") {
        finished[id] = true;
    }
    if (!done && Object.keys(finished).length === tasks) {
        done = true;
        scheduler.reconcile();
        // The acknowledgement of this update goes out after the handler.
        setTimeout(function () {
            console.log("TEARDOWN");
            scheduler.teardown();
            setTimeout(function () { console.log("DONE"); process.exit(0); }, 300);
        }, 100);
    }
});

scheduler.on("error", function (error) {
    console.log("error: " + (error.message ? error.message : JSON.stringify(error)));
});

scheduler.on("ready", function () {
    scheduler.subscribe();
});
