/* MetaIC Web Push: register /sw.js, subscribe with the server's VAPID key, tell the server.
   window.metaicPush.subscribe() / unsubscribe() / status() resolve to
   "subscribed" | "off" | "denied" | "unsupported" | "unavailable" | "error:<detail>". */
(function () {
  "use strict";

  function supported() {
    return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  }

  function keyBytes(base64url) {
    const padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  }

  function sameKey(subscription, key) {
    const current = subscription.options && subscription.options.applicationServerKey;
    if (!current) return true;
    const a = new Uint8Array(current);
    const b = keyBytes(key);
    return a.length === b.length && a.every((v, i) => v === b[i]);
  }

  async function serverKey() {
    const response = await fetch("/api/v1/push/vapid-public-key", { credentials: "same-origin" });
    return response.ok ? (await response.json()).key : "";
  }

  async function post(path, body) {
    return fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
  }

  async function subscribe() {
    try {
      if (!supported()) return "unsupported";
      const permission = await Notification.requestPermission();
      if (permission !== "granted") return "denied";
      const key = await serverKey();
      if (!key) return "unavailable";
      await navigator.serviceWorker.register("/sw.js", { scope: "/" });
      const registration = await navigator.serviceWorker.ready;
      let subscription = await registration.pushManager.getSubscription();
      if (subscription && !sameKey(subscription, key)) {
        await subscription.unsubscribe();
        subscription = null;
      }
      if (!subscription) {
        subscription = await registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: keyBytes(key),
        });
      }
      const response = await post("/api/v1/push/subscriptions", subscription.toJSON());
      return response.ok ? "subscribed" : "error:" + response.status;
    } catch (e) {
      return "error:" + (e && e.name ? e.name : "unknown");
    }
  }

  async function unsubscribe() {
    try {
      if (!supported()) return "unsupported";
      const registration = await navigator.serviceWorker.getRegistration("/");
      const subscription = registration && (await registration.pushManager.getSubscription());
      if (subscription) {
        await post("/api/v1/push/subscriptions/delete", { endpoint: subscription.endpoint });
        await subscription.unsubscribe();
      }
      return "off";
    } catch (e) {
      return "error:" + (e && e.name ? e.name : "unknown");
    }
  }

  async function status() {
    try {
      if (!supported()) return "unsupported";
      if (Notification.permission === "denied") return "denied";
      const registration = await navigator.serviceWorker.getRegistration("/");
      const subscription = registration && (await registration.pushManager.getSubscription());
      return subscription ? "subscribed" : "off";
    } catch (e) {
      return "error:" + (e && e.name ? e.name : "unknown");
    }
  }

  window.metaicPush = { subscribe: subscribe, unsubscribe: unsubscribe, status: status };
})();
