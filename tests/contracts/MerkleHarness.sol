// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Sha256Merkle} from "../../contracts/src/libraries/Sha256Merkle.sol";

/// @title MerkleHarness
/// @notice Test-only contract exposing the internal functions of Sha256Merkle.
contract MerkleHarness {
    /// @notice See Sha256Merkle.leafHash.
    function leafHash(bytes32 documentHash) external pure returns (bytes32) {
        return Sha256Merkle.leafHash(documentHash);
    }

    /// @notice See Sha256Merkle.nodeHash.
    function nodeHash(bytes32 left, bytes32 right) external pure returns (bytes32) {
        return Sha256Merkle.nodeHash(left, right);
    }

    /// @notice See Sha256Merkle.verify.
    function verify(
        bytes32 root,
        bytes32 leaf,
        uint256 index,
        uint256 count,
        bytes32[] calldata siblings
    ) external pure returns (bool) {
        return Sha256Merkle.verify(root, leaf, index, count, siblings);
    }
}
