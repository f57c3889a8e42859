// Optional: copy-link and the native share sheet. Links above work without it.
const box = document.querySelector("[data-share]");
if (box) {
  const { url, title, endpoint } = box.dataset;
  const tell = (channel) => {
    try { navigator.sendBeacon(endpoint, new URLSearchParams({ channel })); } catch (_) { /* counting is best effort */ }
  };
  const copy = box.querySelector("[data-copy]");
  if (copy && navigator.clipboard) {
    copy.hidden = false;
    copy.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(url);
        copy.querySelector("span").textContent = copy.dataset.done;
        tell("copy");
      } catch (_) { /* clipboard refused */ }
    });
  }
  const more = box.querySelector("[data-native]");
  if (more && navigator.share) {
    more.hidden = false;
    more.addEventListener("click", async () => {
      try { await navigator.share({ title, url }); tell("native"); } catch (_) { /* dismissed */ }
    });
  }
}
// Optional: the browser's time zone tells analytics the visitor's country (no IP geolocation is used).
try {
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const slug = location.pathname.split("/")[2];
  if (tz && slug && navigator.sendBeacon) navigator.sendBeacon(`/c/${slug}/b?tz=${encodeURIComponent(tz)}`);
} catch (_) { /* counting is best effort */ }
