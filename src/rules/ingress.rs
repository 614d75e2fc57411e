//! Ingress rules.
