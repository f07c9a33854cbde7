// One `aws` default blueprint plus SERVICES plain services (image and port only), synthesized:
// the scale case of `npm run bench`.
// The library before cdktf (see stacks/main.ts).
import { BLUEPRINTS } from "../stacks/blueprints";
import { App } from "cdktf";

const count = Number(process.env.SERVICES ?? 1000);
const app = new App();
const platform = BLUEPRINTS.aws(app);
for (let i = 0; i < count; i++) platform.addService(`svc-${i}`, { image: "ghcr.io/example/svc:1.0.0", port: 8080 });
app.synth();
