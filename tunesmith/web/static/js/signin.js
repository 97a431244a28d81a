// Signing in: the signed-in user, or the sign-in dialog (sign in, or create an account) until there is one.
import { api } from "./api.js";

const $ = (id) => document.getElementById(id);

export async function signedIn() {
  try {
    return await api("/api/me");
  } catch (e) {
    if (e.status !== 401) throw e;
    return new Promise((resolve) => {
      const dialog = $("signin");
      $("signin-form").onsubmit = async (ev) => {
        ev.preventDefault();
        const create = ev.submitter && ev.submitter.value === "create";
        const body = { name: $("signin-name").value.trim(), password: $("signin-password").value };
        try {
          const r = await api(create ? "/api/users" : "/api/login", { method: "POST", body });
          dialog.close();
          resolve(r.user);
        } catch (err) {
          $("signin-error").textContent = err.message;
        }
      };
      dialog.showModal();
    });
  }
}
