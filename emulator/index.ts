export * from "./types";
export { CssEmulator } from "./server";
export { AK_LOCK_THRESHOLD } from "./iam";
export {
  defaultOptions,
  EmulatorInputError,
  DEFAULT_ACCESS_KEY,
  DEFAULT_PROJECT_ID,
  DEFAULT_SECRET_KEY,
  DEFAULT_USER,
} from "./options";
export { CONTROL_ROUTES, type ControlAnswer } from "./control";
export * from "./verifier";
