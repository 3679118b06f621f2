import type { AppRouteHandler } from "../../app/types.ts";
import { httpErrors } from "../../errors/api-error.ts";
import { cognitoErrors } from "../auth/cognito-error.ts";
import { actAsSignedInUser, authData, requireSignedIn } from "../auth/signed-in.ts";
import type * as routes from "./users.routes.ts";
import { loadUser } from "./user-profile.ts";

// Auth user ids are uuids; anything else cannot name a user (and must not reach a uuid cast).
const USER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const signUp: AppRouteHandler<typeof routes.signUp> = async (c) => {
  const { email, name, password } = c.req.valid("json");
  const { user, session } = authData(
    await c.var.supabaseForAuthCall().auth.signUp({ email, password, options: { data: name ? { name } : {} } }),
  );
  // Auth answers a taken address with a look-alike user that has no identities.
  if (!user || user.identities?.length === 0) throw cognitoErrors.usernameExists();
  if (!session) {
    return c.json({ id: user.id, email: user.email ?? email, name: name ?? "", isValidated: false, organizations: [] }, 200);
  }
  // A project without e-mail confirmation signs the user in at once.
  actAsSignedInUser(c, session);
  const created = await loadUser(c.var.db, user.id);
  if (!created) throw httpErrors.internal(new Error(`new user ${user.id} has no profile`));
  const { id, name: displayName, organizations } = created;
  return c.json({ id, email: created.email, name: displayName, isValidated: true, organizations }, 200);
};

export const me: AppRouteHandler<typeof routes.me> = async (c) => {
  const { userId } = requireSignedIn(c);
  const user = await loadUser(c.var.db, userId);
  // A valid token for a deleted account.
  if (!user) throw httpErrors.unauthorized("The user of this token does not exist any more", "user_not_found");
  return c.json(user, 200);
};

export const getUser: AppRouteHandler<typeof routes.getUser> = async (c) => {
  requireSignedIn(c);
  const { userId } = c.req.valid("param");
  const user = USER_ID.test(userId) ? await loadUser(c.var.db, userId) : undefined;
  if (!user) throw httpErrors.notFound("User not found");
  return c.json(user, 200);
};
