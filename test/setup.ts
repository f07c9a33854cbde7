import { removeTestOutdirs } from "./helpers";

// Every test file's synthesized apps are written under one temporary directory, removed here.
afterAll(() => removeTestOutdirs());
