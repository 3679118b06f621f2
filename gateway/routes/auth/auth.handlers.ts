// Each auth route is one or two Supabase Auth calls; Auth checks passwords, sends the codes and
// rate-limits per client address. Only the answers are shaped as the clients expect them.
import type { AppRouteHandler } from "../../app/types.ts";
import { httpErrors } from "../../errors/api-error.ts";
import { loadUser } from "../users/user-profile.ts";
import type * as routes from "./auth.routes.ts";
import { cognitoErrorFromAuth, cognitoErrors } from "./cognito-error.ts";
import { maskEmail } from "./mask-email.ts";
import { actAsSignedInUser, authData, requireSignedIn } from "./signed-in.ts";

// The NDI clients hold no refresh token. A client with autoRefreshToken off never sends this one;
// supabase-js only insists that a session names something.
const NO_REFRESH_TOKEN = "not-used";

export const login: AppRouteHandler<typeof routes.login> = async (c) => {
  const { email, password } = c.req.valid("json");
  const { session } = authData(await c.var.supabaseForAuthCall().auth.signInWithPassword({ email, password }));
  actAsSignedInUser(c, session);
  const user = await loadUser(c.var.db, session.user.id);
  if (!user) throw httpErrors.internal(new Error(`signed-in user ${session.user.id} has no profile`));
  return c.json({ token: session.access_token, expiresIn: session.expires_in, user }, 200);
};

export const logout: AppRouteHandler<typeof routes.logout> = async (c) => {
  const { accessToken } = requireSignedIn(c);
  authData(await c.var.supabaseForAuthCall().auth.admin.signOut(accessToken, "local"));
  return c.json({ message: "Logged out" }, 200);
};

export const verify: AppRouteHandler<typeof routes.verify> = async (c) => {
  const { email, confirmationCode } = c.req.valid("json");
  const auth = c.var.supabaseForAuthCall().auth;
  const { user, session } = authData(await auth.verifyOtp({ email, token: confirmationCode, type: "signup" }));
  // Redeeming the code signs the user in; the clients log in themselves, so that session ends here.
  if (session) await auth.admin.signOut(session.access_token, "local");
  if (!user) throw httpErrors.internal(new Error("verifyOtp returned no user"));
  return c.json({ id: user.id, email: user.email ?? email, isValidated: true as const }, 200);
};

export const resendConfirmation: AppRouteHandler<typeof routes.resendConfirmation> = async (c) => {
  const { email } = c.req.valid("json");
  authData(await c.var.supabaseForAuthCall().auth.resend({ type: "signup", email }));
  return c.json({ confirmationResent: true as const }, 200);
};

export const changePassword: AppRouteHandler<typeof routes.changePassword> = async (c) => {
  const caller = requireSignedIn(c);
  const { oldPassword, newPassword } = c.req.valid("json");
  // Re-authenticate with the current password: a stolen token alone cannot take over the account.
  const check = c.var.supabaseForAuthCall().auth;
  const checked = await check.signInWithPassword({ email: caller.email, password: oldPassword });
  if (checked.error) {
    throw checked.error.code === "invalid_credentials" ? cognitoErrors.wrongCurrentPassword() : cognitoErrorFromAuth(checked.error);
  }
  await check.admin.signOut(checked.data.session.access_token, "local");
  // Changed in the caller's own session, which Auth keeps while it ends the user's others.
  const asCaller = c.var.supabaseForAuthCall().auth;
  authData(await asCaller.setSession({ access_token: caller.accessToken, refresh_token: NO_REFRESH_TOKEN }));
  authData(await asCaller.updateUser({ password: newPassword }));
  return c.json({ message: "Password changed successfully" }, 200);
};

export const forgotPassword: AppRouteHandler<typeof routes.forgotPassword> = async (c) => {
  const { email } = c.req.valid("json");
  authData(await c.var.supabaseForAuthCall().auth.resetPasswordForEmail(email));
  return c.json(
    { CodeDeliveryDetails: { Destination: maskEmail(email), DeliveryMedium: "EMAIL" as const, AttributeName: "email" as const } },
    200,
  );
};

export const confirmPassword: AppRouteHandler<typeof routes.confirmPassword> = async (c) => {
  const { email, confirmationCode, newPassword } = c.req.valid("json");
  const auth = c.var.supabaseForAuthCall().auth;
  const { session } = authData(await auth.verifyOtp({ email, token: confirmationCode, type: "recovery" }));
  if (!session) throw httpErrors.internal(new Error("verifyOtp(recovery) returned no session"));
  try {
    // Auth ends every other session of the user: whoever knew the old password is logged out.
    authData(await auth.updateUser({ password: newPassword }));
  } finally {
    await auth.admin.signOut(session.access_token, "local");
  }
  return c.json({ message: "Password reset", code: "Success!" as const }, 200);
};
