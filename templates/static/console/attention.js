/* Getting the agent's attention (docs/inbox.md): the tab's title counts offers and
   conversations in hand with unread messages (an offer's own unread message is the offer); an offer rings, again every few seconds, until it is
   answered (accepted, rejected, or gone), with the sound the agent chose (kept on the
   server); a desktop notification for each new offer when the agent allowed them and is
   looking elsewhere. */
(function () {
  "use strict";
  var C = window.Console;
  if (!C) { return; }
  var $ = function (id) { return document.getElementById(id); };
  var RING_EVERY_MS = 3000;
  var TITLE = document.title;
  var sound = "chime";
  var notify = true;
  var ringing = null;
  var notified = {};
  var audio = null;

  // Each sound is a few tones: [frequency Hz, start s, length s].
  var SOUNDS = {
    chime: [[880, 0, 0.18], [1320, 0.2, 0.25]],
    bell: [[660, 0, 0.5], [660, 0.6, 0.5]],
    pulse: [[520, 0, 0.1], [520, 0.15, 0.1], [520, 0.3, 0.1]]
  };

  function ring() {
    var tones = SOUNDS[sound];
    if (!tones) { return; }
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      tones.forEach(function (t) {
        var tone = audio.createOscillator();
        var gain = audio.createGain();
        tone.frequency.value = t[0];
        gain.gain.value = 0.08;
        tone.connect(gain);
        gain.connect(audio.destination);
        tone.start(audio.currentTime + t[1]);
        tone.stop(audio.currentTime + t[1] + t[2]);
      });
    } catch (e) { /* no sound here: the title and the card still show it */ }
  }

  function update() {
    var offers = C.offers();
    var unread = C.inbox && C.inbox.unreadInHand ? C.inbox.unreadInHand() : 0;
    var count = offers.length + unread;
    document.title = count ? "(" + count + ") " + TITLE : TITLE;
    if (offers.length && !ringing) {
      ring();
      ringing = setInterval(ring, RING_EVERY_MS);
    } else if (!offers.length && ringing) {
      clearInterval(ringing);
      ringing = null;
    }
    offers.forEach(function (view) {
      if (notified[view.offer.offer_id]) { return; }
      notified[view.offer.offer_id] = true;
      desktop(view);
    });
  }

  function desktop(view) {
    if (!notify || !window.Notification || Notification.permission !== "granted") { return; }
    if (!document.hidden && document.hasFocus()) { return; }
    var note = new Notification("New offer: " + (view.customer.name || "a customer"), {
      body: (view.queue ? view.queue.name + " · " : "") + view.channel, tag: view.offer.offer_id
    });
    note.onclick = function () { window.focus(); note.close(); };
  }

  C.on("render", update);
  C.on("unread", update);

  $("ring-sound").addEventListener("change", function (event) {
    sound = event.target.value;
    C.saveSettings({ ring_sound: sound });
    ring();  // a sample of the choice
  });
  function showNotifyButton() {
    $("notify-button").hidden = !(window.Notification && Notification.permission === "default" && notify);
  }
  $("notify-button").addEventListener("click", function () {
    Notification.requestPermission().then(showNotifyButton);
  });
  C.settingsLoaded = (C.settingsLoaded || []).concat([function (prefs) {
    sound = prefs.ring_sound;
    notify = prefs.desktop_notifications;
    $("ring-sound").value = sound;
    showNotifyButton();
  }]);
  if (C.prefs) { C.settingsLoaded[C.settingsLoaded.length - 1](C.prefs); }
  showNotifyButton();
})();
