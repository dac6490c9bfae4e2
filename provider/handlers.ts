/**
 * The approval's entry point at its path before provider/approval/ existed. The state of stacks
 * created by an installed 0.1.0 refers to this file (`require("pulumi-css-vpcep/dist/provider/handlers.js")`),
 * so it stays: delete and refresh of those resources run today's handlers through it.
 */
export { handle } from "./approval/handlers";
