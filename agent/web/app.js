// The browser end of a call: microphone → WebRTC → agent; transcript and latencies over the
// data channel (messages documented in agent/webrtc_call.py).
"use strict";
const $ = (id) => document.getElementById(id);
let pc = null, pcId = null, mic = null;

function setStatus(text) { $("status").textContent = text; }

function addLine(who, text, id) {
  const li = document.createElement("li");
  li.className = who;
  li.textContent = text;
  if (id !== undefined) li.dataset.reply = id;
  $("transcript").appendChild(li);
  li.scrollIntoView({ block: "end" });
}

function onMessage(ev) {
  let m;
  try { m = JSON.parse(ev.data); } catch { return; }
  if (m.type === "partial") $("partial").textContent = m.text;
  else if (m.type === "final") { $("partial").textContent = ""; addLine("caller", m.text); }
  else if (m.type === "agent") addLine("agent", m.text, m.id);
  else if (m.type === "heard") {
    const li = document.querySelector(`li.agent[data-reply="${m.id}"]`);
    if (li) { li.classList.add("cut"); li.title = "heard: " + m.text; }
  } else if (m.type === "latency") {
    if (m.response_ms != null) $("response-ms").textContent = Math.round(m.response_ms) + " ms";
    if (m.interruption_ms != null) $("interruption-ms").textContent = Math.round(m.interruption_ms) + " ms";
  } else if (m.type === "ended") { setStatus("Call ended"); stop(false); }
}

function iceComplete(conn) {
  // The server answers once, without trickle ICE: send the offer with every candidate in it.
  if (conn.iceGatheringState === "complete") return Promise.resolve();
  return new Promise((resolve) => {
    const check = () => { if (conn.iceGatheringState === "complete") resolve(); };
    conn.addEventListener("icegatheringstatechange", check);
    setTimeout(resolve, 3000);
  });
}

async function start() {
  $("talk").disabled = true;
  setStatus("Connecting…");
  try {
    mic = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true } });
    pc = new RTCPeerConnection();
    pc.addTransceiver(mic.getAudioTracks()[0], { direction: "sendrecv" });
    const dc = pc.createDataChannel("events", { ordered: true });
    dc.onmessage = onMessage;
    pc.ontrack = (ev) => { $("agent-audio").srcObject = ev.streams[0] || new MediaStream([ev.track]); };
    pc.onconnectionstatechange = () => {
      if (pc && pc.connectionState === "connected") setStatus("Connected — speak now");
      if (pc && ["failed", "closed"].includes(pc.connectionState)) { setStatus("Disconnected"); stop(false); }
    };
    await pc.setLocalDescription(await pc.createOffer());
    await iceComplete(pc);
    const res = await fetch("/webrtc/offer", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sdp: pc.localDescription.sdp, type: pc.localDescription.type }) });
    if (!res.ok) throw new Error(`server answered ${res.status}`);
    const answer = await res.json();
    pcId = answer.pc_id;
    await pc.setRemoteDescription({ sdp: answer.sdp, type: answer.type });
    $("talk").textContent = "Hang up";
    $("talk").setAttribute("aria-pressed", "true");
  } catch (err) {
    setStatus("Could not connect: " + err.message);
    stop(false);
  } finally {
    $("talk").disabled = false;
  }
}

function stop(tellServer) {
  if (tellServer && pcId) {
    fetch("/webrtc/hangup", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ pc_id: pcId }) }).catch(() => {});
  }
  if (pc) { pc.close(); pc = null; }
  if (mic) { mic.getTracks().forEach((t) => t.stop()); mic = null; }
  pcId = null;
  $("talk").textContent = "Talk";
  $("talk").setAttribute("aria-pressed", "false");
}

$("talk").addEventListener("click", () => {
  if (pc) { setStatus("Call ended"); stop(true); } else start();
});
