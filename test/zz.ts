import { App } from "cdktf";
import * as fs from "fs";
import { KubernetesConnection, MicroservicePlatform, Target, Profile, Keda, ScaleTrigger, DaprRuntime, Mirror } from "../lib";
const H = '${file("/etc/passwd")}%{ for x in y }';
const app = new App({ outdir: "/tmp/esc/out", skipValidation: true } as any);
const p = new MicroservicePlatform(app, "shop", {
  target: Target.custom({ kind: "onprem", zones: ["z1", "z2", "z3"], storage: { provisioner: "csi.example.com", parameters: { p: H } }, ingressClassName: "nginx", ingressAnnotations: { "x/a": H }, internalLoadBalancerAnnotations: { "x/b": H }, objectStorage: { service: "minio" as any, endpoint: "http://minio:9000" }, connection: KubernetesConnection.kubeconfig() } as any),
  profile: Profile.PRODUCTION, components: [new Keda(), new DaprRuntime()],
  broker: { values: { broker: { configData: { X: H } } } } as any,
});
const t = p.addTeam("t");
const s = p.addService("s", { team: t, image: "shop/s:1.0.0", env: { A: H }, serviceAccountAnnotations: { "x/y": H } } as any);
try { s.addPodAnnotations({ "x/z": H }); } catch (e) { console.log("annot", (e as Error).message); }
try { p.registry?.config("g", "d.json", JSON.stringify({ a: H })); } catch (e) { console.log("cfg", (e as Error).message); }
try { s.autoscale({ triggers: [ScaleTrigger.prometheus({ serverAddress: "http://p:9090", query: H, threshold: 1 })] }); } catch (e) { console.log("prom", (e as Error).message); }
try { p.addService("lb", { image: "shop/lb:1.0.0", team: t } as any).expose({ loadBalancer: {} }); } catch (e) { console.log("lb", (e as Error).message); }
try { s.expose({ ingress: { host: "a.example.com", path: "/" + H } }); } catch (e) { console.log("ing", (e as Error).message); }
app.synth();
