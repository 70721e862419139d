// Whole conversations with the Gentle Steps skill through virtual-alexa, an independent Alexa request simulator:
// it matches utterances against the built interaction model, sends the requests Alexa would send to a running
// `gentle-steps serve` over HTTP, and plays the AudioPlayer directives back (PlaybackStarted, PlaybackStopped...).
//
// Run by tests/test_skill_conversation.py, which builds the skill package, starts the server and sets:
//   SKILL_URL   the server's /alexa address       MODELS  the folder of interaction models (<locale>.json)
//   STATE_FILE  the server's SQLite state file    SKILL_ID the application id the server expects
import assert from "node:assert/strict";
import { readFileSync, existsSync } from "node:fs";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import va from "virtual-alexa";

const { SKILL_URL, MODELS, STATE_FILE, SKILL_ID } = process.env;
let devices = 0;

function alexa(locale = "en-US") {
  const device = va.VirtualAlexa.Builder()
    .skillURL(SKILL_URL)
    .interactionModelFile(`${MODELS}/${locale}.json`)
    .applicationID(SKILL_ID)
    .locale(locale)
    .create();
  devices += 1;
  device.context().device().setID(`amzn1.ask.device.virtual-alexa-${locale}-${devices}-${process.pid}`);
  return device;
}

/** The words a listener hears: SSML tags dropped. */
function words(response) {
  const ssml = response.response.outputSpeech ? response.response.outputSpeech.ssml : "";
  return ssml.replace(/<[^>]+>/g, " ").split(/\s+/).filter(Boolean);
}

function said(response) {
  return words(response).join(" ");
}

/** The crisis answer: a phone number among the first 15 words, and the session kept open. */
function assertCrisisAnswer(response, number = "988") {
  const first = words(response).slice(0, 15);
  assert.ok(first.includes(number), `${number} is not in the first 15 words: ${first.join(" ")}`);
  assert.equal(response.response.shouldEndSession, false);
  assert.match(said(response), /Would you like me to repeat that\?$/);
}

function playing(device) {
  const item = device.audioPlayer().playing();
  return device.audioPlayer().isPlaying() ? item.stream.token : null;
}

test("crisis in one utterance with the skill closed (Alexa, tell gentle steps I'm not safe)", async () => {
  const device = alexa();
  assertCrisisAnswer(await device.utter("i'm not safe"));
});

test("crisis in an open session", async () => {
  const device = alexa();
  await device.launch();
  assertCrisisAnswer(await device.utter("i need help now"));
});

test("crisis during playback stops the audio and keeps the session open", async () => {
  const device = alexa();
  await device.utter("play the episode");
  assert.ok(playing(device));
  assertCrisisAnswer(await device.utter("i'm not safe"));
  assert.equal(playing(device), null, "the episode must not play over the numbers");
});

test("crisis while paused and after stop", async () => {
  const device = alexa();
  await device.utter("play the episode");
  await device.utter("pause");
  assert.equal(playing(device), null);
  assertCrisisAnswer(await device.utter("i need help now"));
  const other = alexa();
  await other.utter("play the episode");
  await other.utter("stop");
  assertCrisisAnswer(await other.utter("i'm in crisis"));
});

test("repeat after the crisis answer says the numbers again; no ends gently", async () => {
  const device = alexa();
  const first = await device.utter("i'm not safe");
  const again = await device.utter("repeat");
  assert.equal(said(again), said(first));
  const yes = await device.utter("yes");
  assert.equal(said(yes), said(first));
  const no = await device.utter("no");
  assert.match(said(no), /The numbers are in your Alexa app too/);
  assert.equal(no.response.shouldEndSession, true);
});

test("an en-GB request is answered with UK resources", async () => {
  const device = alexa("en-GB");
  const answer = await device.utter("i'm not safe");
  assertCrisisAnswer(answer, "116");
  assert.match(said(answer), /Samaritans/);
  assert.match(said(answer), /\b999\b/);
  assert.doesNotMatch(said(answer), /988|911/);
});

test("the list comes in threes, and repeat repeats the list", async () => {
  const device = alexa();
  await device.launch();
  const list = await device.utter("what sections are there");
  const items = said(list).match(/\b\d\. /g);
  assert.deepEqual(items, ["1. ", "2. ", "3. "]);
  assert.match(said(list), /Want to hear more\?$/);
  const again = await device.utter("repeat");
  assert.equal(said(again), said(list));
  const more = await device.utter("yes");
  assert.deepEqual(said(more).match(/\b\d\. /g), ["4. ", "5. ", "6. "]);
  assert.match(said(more), /Which one would you like to hear\?$/);
});

test("repeat after a grounding prompt says the same prompt", async () => {
  const device = alexa();
  await device.launch();
  const prompt = await device.utter("give me a grounding message");
  const again = await device.utter("repeat");
  assert.equal(said(again), said(prompt));
  assert.equal(again.response.shouldEndSession, false);
});

test("no title is announced with a question mark", async () => {
  const device = alexa();
  const answers = [await device.launch(), await device.utter("what sections are there"), await device.utter("yes"),
    await device.utter("play the episode")];
  const titles = JSON.parse(readFileSync(`${MODELS}/../catalog.json`, "utf8")).episodes.flatMap(
    (ep) => [ep.title, ...ep.sections.map((s) => s.title)]);
  for (const answer of answers) {
    for (const title of titles.filter((t) => t.endsWith("?"))) {
      assert.ok(!said(answer).includes(title), `"${title}" announced as a question: ${said(answer)}`);
    }
    assert.doesNotMatch(said(answer), /Here's .*\?/);
  }
  assert.equal(said(answers[3]), "Playing the newest episode.");
});

function stateBytes() {
  return ["", "-wal"].map((suffix) => (existsSync(STATE_FILE + suffix) ? readFileSync(STATE_FILE + suffix) : null));
}

async function settledState() {
  // The server checkpoints its WAL once a second: wait until the files have not changed for 2.5 s.
  let last = stateBytes();
  for (let stable = 0; stable < 5;) {
    await sleep(500);
    const now = stateBytes();
    stable = now.every((b, i) => (b === null ? last[i] === null : last[i] !== null && b.equals(last[i]))) ? stable + 1 : 0;
    last = now;
  }
  return last;
}

test("CanFulfillIntentRequest answers from the catalog and leaves the state store byte-identical", async () => {
  const device = alexa();
  await device.utter("play the episode"); // some state to keep
  await device.utter("pause");
  const before = await settledState();
  for (const [intent, expected] of [["GroundingIntent", "YES"], ["SupportIntent", "YES"], ["PlayEpisodeIntent", "YES"],
    ["AMAZON.ShuffleOnIntent", "NO"]]) {
    const request = device.request().intent(intent).set("request.type", "CanFulfillIntentRequest");
    const answer = await request.send();
    assert.equal(answer.response.canFulfillIntent.canFulfill, expected, intent);
    assert.equal(answer.response.outputSpeech, undefined);
    assert.equal(answer.response.directives, undefined);
  }
  await sleep(1500);
  const after = stateBytes();
  after.forEach((bytes, i) => assert.ok(bytes === null ? before[i] === null : bytes.equals(before[i]),
    `state file${i ? " WAL" : ""} changed`));
});

test("stop after this section: the next section is not enqueued, and resume starts it", async () => {
  const device = alexa();
  await device.utter("play the episode");
  const first = playing(device);
  device.audioPlayer().playbackOffset(20000);
  const ok = await device.utter("stop after this section");
  assert.equal(said(ok), "All right. I'll stop at the end of this section.");
  assert.equal(playing(device), first, "the section plays on");
  await device.audioPlayer().playbackNearlyFinished();
  await device.audioPlayer().playbackFinished();
  assert.equal(playing(device), null, "nothing was enqueued after it");
  const resumed = await device.utter("resume");
  const play = resumed.response.directives.find((d) => d.type === "AudioPlayer.Play");
  const [episode, section] = first.split("|");
  assert.equal(play.audioItem.stream.offsetInMilliseconds, 0);
  assert.ok(play.audioItem.stream.token.startsWith(`${episode}|`));
  assert.notEqual(play.audioItem.stream.token.split("|")[1], section, "the next section, from its start");
});

test("the breathing track starts, pauses at an offset and resumes there", async () => {
  const device = alexa();
  const start = await device.utter("help me breathe");
  assert.match(said(start), /slow breathing/);
  const token = playing(device);
  assert.ok(token && token.startsWith("~breathing|"), `breathing track playing: ${token}`);
  device.audioPlayer().playbackOffset(23456);
  await device.utter("pause");
  assert.equal(playing(device), null);
  const resumed = await device.utter("resume");
  const play = resumed.response.directives.find((d) => d.type === "AudioPlayer.Play");
  assert.equal(play.audioItem.stream.token, token);
  assert.equal(play.audioItem.stream.offsetInMilliseconds, 23456);
  assert.equal(playing(device), token);
});
